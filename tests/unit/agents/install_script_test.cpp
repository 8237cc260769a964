#include <gtest/gtest.h>

#include <unistd.h>

#include <array>
#include <cstdio>
#include <string>

#include "agents/install_script.hpp"

namespace gw::agents {
namespace {

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

/// The variable block of a script (from its first assignment to the blank line after PORT).
std::string assignments(const std::string& script) {
  const auto begin = script.find("CONTROL_PLANE_URL=");
  const auto port = script.find("PORT=\"${PORT:-", begin);
  const auto end = script.find('\n', port);
  return script.substr(begin, end - begin + 1);
}

/// Runs `script` with /bin/sh and returns its standard output.
std::string runShell(const std::string& script) {
  // One file per process: ctest runs the tests of this binary in parallel processes.
  const std::string path =
      ::testing::TempDir() + "agent_install_vars." + std::to_string(::getpid()) + ".sh";
  FILE* f = std::fopen(path.c_str(), "w");
  EXPECT_NE(f, nullptr);
  std::fputs(script.c_str(), f);
  std::fclose(f);
  std::string out;
  FILE* p = ::popen(("/bin/sh " + path).c_str(), "r");
  EXPECT_NE(p, nullptr);
  std::array<char, 256> buf{};
  while (std::fgets(buf.data(), static_cast<int>(buf.size()), p)) {
    out += buf.data();
  }
  ::pclose(p);
  std::remove(path.c_str());
  return out;
}

InstallScriptParams gateway() {
  InstallScriptParams p;
  p.name = "eu-west";
  p.region = "eu-west-1";
  p.control_plane_url = "https://cp.example.com";
  p.key = "agk-AbC123";
  p.endpoint = "https://eu.example.com:3443";
  return p;
}

TEST(ShellQuote, SingleQuotesAndEscapesQuotes) {
  EXPECT_EQ(shellQuote("abc"), "'abc'");
  EXPECT_EQ(shellQuote(""), "''");
  EXPECT_EQ(shellQuote("it's"), "'it'\\''s'");
  EXPECT_EQ(shellQuote("a\nb\x7f"), "'ab'");
}

TEST(UrlPort, ExplicitOrSchemeDefault) {
  EXPECT_EQ(urlPort("https://a.example.com:8443/x"), 8443U);
  EXPECT_EQ(urlPort("http://a.example.com/x"), 80U);
  EXPECT_EQ(urlPort("https://a.example.com"), 443U);
  EXPECT_EQ(urlPort("http://[::1]:3001"), 3001U);
  EXPECT_EQ(urlPort("http://[::1]"), 80U);
  EXPECT_EQ(urlPort("ftp://x"), std::nullopt);
}

TEST(InstallScript, GatewayEmbedsUrlRegionKeyAndInstallsTheService) {
  const auto s = installScript(gateway());
  EXPECT_TRUE(s.starts_with("#!/bin/sh\n"));
  EXPECT_TRUE(contains(s, "CONTROL_PLANE_URL='https://cp.example.com'\n"));
  EXPECT_TRUE(contains(s, "AGENT_REGION='eu-west-1'\n"));
  EXPECT_TRUE(contains(s, "AGENT_KEY='agk-AbC123'\n"));
  EXPECT_TRUE(contains(s, "PORT=\"${PORT:-3443}\""));
  EXPECT_TRUE(contains(s,
                       "curl -fsSL -H \"Authorization: Bearer $AGENT_KEY\" "
                       "\"$CONTROL_PLANE_URL/api/agent/binary\""));
  EXPECT_TRUE(contains(s, "/usr/local/bin/llm-gateway"));
  EXPECT_TRUE(contains(s, "/etc/llm-gateway/agent.env"));
  EXPECT_TRUE(contains(s, "chmod 600 /etc/llm-gateway/agent.env"));
  EXPECT_TRUE(contains(s, "ExecStart=/usr/local/bin/llm-gateway agent"));
  EXPECT_TRUE(contains(s, "systemctl enable llm-gateway-agent.service"));
}

TEST(InstallScript, WithoutKeyReadsItFromTheEnvironment) {
  auto p = gateway();
  p.key.reset();
  p.endpoint.reset();
  const auto s = installScript(p);
  EXPECT_TRUE(contains(s, "AGENT_KEY=\"${AGENT_KEY:?"));
  EXPECT_FALSE(contains(s, "agk-"));
  EXPECT_TRUE(contains(s, "PORT=\"${PORT:-3000}\""));
  // Without AGENT_KEY in the environment the script stops before doing anything.
  const auto out = runShell("unset AGENT_KEY\n" + assignments(s) + "echo reached\n");
  EXPECT_EQ(out, "");
}

TEST(InstallScript, HostileValuesCannotInjectShell) {
  InstallScriptParams p = gateway();
  p.name = "x'; touch /tmp/pwned #\n$(id)";
  p.region = "eu'$(id)`id`\"; echo injected";
  p.control_plane_url = "https://cp.example.com/'$(id)";
  p.key = "agk-'\"$HOME`x`";
  const auto s = installScript(p);
  // The name stays inside its comment line.
  EXPECT_TRUE(contains(s, "# Installs the LLM Gateway agent 'x'\\''; touch /tmp/pwned #$(id)' "));
  const auto out = runShell(assignments(s) +
                            "printf '%s|%s|%s' \"$CONTROL_PLANE_URL\" \"$AGENT_REGION\" "
                            "\"$AGENT_KEY\"\n");
  EXPECT_EQ(out, "https://cp.example.com/'$(id)|eu'$(id)`id`\"; echo injected|agk-'\"$HOME`x`");
}

TEST(InstallScript, PortkeyStartsTheContainer) {
  auto p = gateway();
  p.kind = "portkey";
  const auto s = installScript(p);
  EXPECT_TRUE(contains(s, "docker run -d --name portkey-gateway"));
  EXPECT_TRUE(contains(s, "-p 8787:8787 portkeyai/gateway:latest"));
  EXPECT_TRUE(contains(s, "http://<this host>:8787"));
  EXPECT_FALSE(contains(s, "agk-AbC123"));  // a Portkey Gateway has no use for the key
}

TEST(ControlPlaneUrl, PublicUrlWinsElseTheRequest) {
  EXPECT_EQ(controlPlaneUrl("https://gw.example.com/", "http", "x"), "https://gw.example.com");
  EXPECT_EQ(controlPlaneUrl("", "https", "gw.example.com:8443"), "https://gw.example.com:8443");
  EXPECT_EQ(controlPlaneUrl("", "https, http", "gw.example.com"), "https://gw.example.com");
  EXPECT_EQ(controlPlaneUrl("", "", "127.0.0.1:3000"), "http://127.0.0.1:3000");
  EXPECT_EQ(controlPlaneUrl("", "", "evil.com/'$(id)"), "http://localhost");
  EXPECT_EQ(controlPlaneUrl("", "", ""), "http://localhost");
}

}  // namespace
}  // namespace gw::agents
