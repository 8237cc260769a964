#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "agents/agent_config.hpp"

namespace gw::agents {
namespace {

const std::string kKey = "agk-0123456789abcdefghijKLMN";

using Env = std::map<std::string, std::string>;

std::string errorOf(const std::vector<std::string>& args, const Env& env) {
  try {
    loadAgentConfig(args, &env);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return {};
}

TEST(AgentConfig, FlagsSetEverything) {
  const Env env;
  const auto c = loadAgentConfig({"--control-plane", "https://cp.example.com/", "--agent-key", kKey,
                                  "--region", "eu-west-1", "--port", "0", "--host", "127.0.0.1",
                                  "--threads", "2", "--state-dir", "/tmp/x", "--log-level",
                                  "debug"},
                                 &env);
  EXPECT_EQ(c.control_plane_url, "https://cp.example.com");
  EXPECT_EQ(c.agent_key, kKey);
  EXPECT_EQ(c.region, "eu-west-1");
  EXPECT_EQ(c.port, 0);
  EXPECT_EQ(c.host, "127.0.0.1");
  EXPECT_EQ(c.threads, 2u);
  EXPECT_EQ(c.state_dir, "/tmp/x");
  EXPECT_EQ(c.log_level, "debug");
}

TEST(AgentConfig, EnvironmentAndDefaults) {
  const Env env{{"CONTROL_PLANE_URL", "http://10.0.0.1:3000"}, {"AGENT_KEY", kKey},
                {"AGENT_REGION", "us"}, {"AGENT_STATE_DIR", "/var/lib/agent"}, {"PORT", "8080"}};
  const auto c = loadAgentConfig({}, &env);
  EXPECT_EQ(c.control_plane_url, "http://10.0.0.1:3000");
  EXPECT_EQ(c.region, "us");
  EXPECT_EQ(c.state_dir, "/var/lib/agent");
  EXPECT_EQ(c.port, 8080);
  EXPECT_EQ(c.host, "0.0.0.0");
  EXPECT_EQ(c.threads, 0u);
  EXPECT_EQ(c.log_level, "info");
}

TEST(AgentConfig, FlagsOverrideEnvironment) {
  const Env env{{"CONTROL_PLANE_URL", "http://a:1"}, {"AGENT_KEY", kKey}, {"PORT", "8080"}};
  const auto c = loadAgentConfig({"--control-plane", "http://b:2/gw/", "--port", "9"}, &env);
  EXPECT_EQ(c.control_plane_url, "http://b:2/gw");
  EXPECT_EQ(c.port, 9);
}

TEST(AgentConfig, MissingUrlIsNamed) {
  const auto e = errorOf({"--agent-key", kKey}, {});
  EXPECT_NE(e.find("CONTROL_PLANE_URL: required"), std::string::npos) << e;
}

TEST(AgentConfig, InvalidUrlsAreNamed) {
  for (const char* url : {"cp.example.com", "ftp://cp.example.com", "http://", "https://:80",
                          "http://user:pw@cp:1", "http://cp:1/?x=1", "http://cp:1/#f"}) {
    const auto e = errorOf({"--control-plane", url, "--agent-key", kKey}, {});
    EXPECT_EQ(e.rfind("CONTROL_PLANE_URL:", 0), 0u) << url << " -> " << e;
    EXPECT_EQ(e.find("pw"), std::string::npos) << e;
  }
}

TEST(AgentConfig, MissingKeyIsNamed) {
  const auto e = errorOf({"--control-plane", "http://cp:1"}, {});
  EXPECT_NE(e.find("AGENT_KEY: required"), std::string::npos) << e;
}

TEST(AgentConfig, InvalidKeysAreNamedButNeverEchoed) {
  for (const std::string& key : {std::string("sk-0123456789abcdefghijKLMN"), std::string("agk-short"),
                                std::string("agk-0123456789abcdef ghijKLMN"),
                                std::string("agk-0123456789abcdef$ghijKLMN")}) {
    const auto e = errorOf({"--control-plane", "http://cp:1", "--agent-key", key}, {});
    EXPECT_EQ(e.rfind("AGENT_KEY:", 0), 0u) << e;
    EXPECT_EQ(e.find(key), std::string::npos) << e;
  }
}

TEST(AgentConfig, BadCommandLineDoesNotEchoTheKey) {
  const auto e = errorOf({"--control-plane", "http://cp:1", kKey}, {});
  EXPECT_EQ(e.rfind("command line:", 0), 0u) << e;
  EXPECT_EQ(e.find(kKey), std::string::npos) << e;
}

TEST(AgentConfig, OtherSettingsAreValidated) {
  const Env base{{"CONTROL_PLANE_URL", "http://cp:1"}, {"AGENT_KEY", kKey}};
  auto with = [&](const std::string& name, const std::string& value) {
    Env env = base;
    env[name] = value;
    return errorOf({}, env);
  };
  EXPECT_EQ(with("PORT", "70000").rfind("PORT:", 0), 0u);
  EXPECT_EQ(with("THREADS", "x").rfind("THREADS:", 0), 0u);
  EXPECT_EQ(with("LOG_LEVEL", "loud").rfind("LOG_LEVEL:", 0), 0u);
  EXPECT_EQ(with("AGENT_REGION", "eu west").rfind("AGENT_REGION:", 0), 0u);
  EXPECT_EQ(with("AGENT_STATE_DIR", "").rfind("AGENT_STATE_DIR:", 0), 0u);
}

}  // namespace
}  // namespace gw::agents
