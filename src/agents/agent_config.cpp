#include "agents/agent_config.hpp"

#include <cctype>
#include <cstdlib>
#include <stdexcept>

#include "core/settings.hpp"
#include "http/client/url.hpp"

namespace gw::agents {

namespace {

using settings::parseWhole;

/// Every setting the agent reads, in the order they are applied.
constexpr const char* kKnown[] = {"CONTROL_PLANE_URL", "AGENT_KEY", "AGENT_REGION",
                                  "AGENT_STATE_DIR",   "PORT",      "HOST",
                                  "THREADS",           "LOG_LEVEL", "EXTRA_CA_FILE"};

void apply(AgentConfig& c, const std::string& name, const std::string& v) {
  if (name == "CONTROL_PLANE_URL") {
    c.control_plane_url = v;
  } else if (name == "AGENT_KEY") {
    c.agent_key = v;
  } else if (name == "AGENT_REGION") {
    c.region = v;
  } else if (name == "AGENT_STATE_DIR") {
    c.state_dir = v;
  } else if (name == "PORT") {
    c.port = parseWhole<unsigned short>(name, v, 0, 65535);
  } else if (name == "HOST") {
    c.host = v;
  } else if (name == "THREADS") {
    c.threads = parseWhole<unsigned>(name, v, 0, 256);
  } else if (name == "LOG_LEVEL") {
    c.log_level = v;
  } else if (name == "EXTRA_CA_FILE") {
    c.extra_ca_file = v;
  }
}

void applySource(AgentConfig& c, const std::map<std::string, std::string>& source) {
  for (const char* name : kKnown) {
    if (auto it = source.find(name); it != source.end()) {
      apply(c, name, it->second);
    }
  }
}

std::map<std::string, std::string> processEnvironment() {
  std::map<std::string, std::string> out;
  for (const char* name : kKnown) {
    if (const char* v = std::getenv(name)) {
      out.emplace(name, v);
    }
  }
  return out;
}

/// The URL without its trailing slashes; throws naming CONTROL_PLANE_URL (the URL itself may
/// carry credentials, so it is not echoed).
std::string normalisedUrl(const std::string& url) {
  if (url.empty()) {
    throw std::invalid_argument(
        "CONTROL_PLANE_URL: required (--control-plane URL or the CONTROL_PLANE_URL variable)");
  }
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
    throw std::invalid_argument("CONTROL_PLANE_URL: must start with http:// or https://");
  }
  auto parsed = http::parseUrl(url);
  if (!parsed) {
    throw std::invalid_argument("CONTROL_PLANE_URL: " + parsed.error().message);
  }
  if (parsed->origin.host.empty()) {
    throw std::invalid_argument("CONTROL_PLANE_URL: has no host");
  }
  if (!parsed->user.empty() || !parsed->password.empty()) {
    throw std::invalid_argument("CONTROL_PLANE_URL: must not carry credentials (the agent key "
                                "authenticates)");
  }
  if (parsed->target.find('?') != std::string::npos) {
    throw std::invalid_argument("CONTROL_PLANE_URL: must not have a query");
  }
  std::string out = url;
  if (const auto hash = out.find('#'); hash != std::string::npos) {
    throw std::invalid_argument("CONTROL_PLANE_URL: must not have a fragment");
  }
  while (!out.empty() && out.back() == '/') {
    out.pop_back();
  }
  return out;
}

void validateKey(const std::string& key) {
  if (key.empty()) {
    throw std::invalid_argument("AGENT_KEY: required (--agent-key KEY or the AGENT_KEY variable)");
  }
  if (key.rfind(kAgentKeyPrefix, 0) != 0) {
    throw std::invalid_argument(std::string("AGENT_KEY: must start with \"") + kAgentKeyPrefix +
                                "\" (the key shown when the agent was created)");
  }
  if (key.size() < 20 || key.size() > 200) {
    throw std::invalid_argument("AGENT_KEY: must be 20 to 200 characters long");
  }
  for (char ch : key) {
    const auto c = static_cast<unsigned char>(ch);
    if (!std::isalnum(c) && ch != '-' && ch != '_') {
      throw std::invalid_argument("AGENT_KEY: may hold only letters, digits, '-' and '_'");
    }
  }
}

void validateRegion(const std::string& region) {
  if (region.size() > 64) {
    throw std::invalid_argument("AGENT_REGION: must be at most 64 characters");
  }
  for (char ch : region) {
    const auto c = static_cast<unsigned char>(ch);
    if (!std::isalnum(c) && ch != '-' && ch != '_' && ch != '.') {
      throw std::invalid_argument("AGENT_REGION: may hold only letters, digits, '-', '_' and '.'");
    }
  }
}

}  // namespace

void validateAgentConfig(const AgentConfig& c) {
  (void)normalisedUrl(c.control_plane_url);
  validateKey(c.agent_key);
  validateRegion(c.region);
  if (c.state_dir.empty()) {
    throw std::invalid_argument("AGENT_STATE_DIR: must not be empty");
  }
  settings::checkLogLevel(c.log_level);
}

AgentConfig loadAgentConfig(const std::vector<std::string>& args,
                            const std::map<std::string, std::string>* environment) {
  AgentConfig c;
  applySource(c, environment ? *environment : processEnvironment());

  static constexpr settings::Flag kFlags[] = {
      {"--control-plane", "CONTROL_PLANE_URL", "control plane base URL"},
      {"--agent-key", "AGENT_KEY", "this agent's key (agk-...)"},
      {"--region", "AGENT_REGION", "region label reported to the control plane"},
      {"--state-dir", "AGENT_STATE_DIR", "directory of the last good config document"},
      {"--port,-p", "PORT", "listen port (0 = any free port)"},
      {"--host", "HOST", "listen address"},
      {"--threads", "THREADS", "event-loop threads (0 = one per core)"},
      {"--log-level", "LOG_LEVEL", "trace|debug|info|warn|error"}};
  std::map<std::string, std::string> flags;
  try {
    flags = settings::parseFlags("agent", args, kFlags);
  } catch (const std::invalid_argument& e) {
    // The message may quote the offending arguments, one of which could be a key: redact keys.
    std::string message = e.what();
    constexpr std::string_view kRedacted = "agk-***";
    for (const auto& a : args) {
      if (a.rfind(kAgentKeyPrefix, 0) != 0) {
        continue;
      }
      for (auto at = message.find(a); at != std::string::npos;
           at = message.find(a, at + kRedacted.size())) {
        message.replace(at, a.size(), kRedacted);
      }
    }
    throw std::invalid_argument(message);
  }
  applySource(c, flags);
  validateAgentConfig(c);
  c.control_plane_url = normalisedUrl(c.control_plane_url);
  return c;
}

}  // namespace gw::agents
