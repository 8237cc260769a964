#pragma once

#include <map>
#include <string>
#include <vector>

namespace gw::agents {

/// Settings of `llm-gateway agent`, loaded once at start-up from the environment, then the
/// command-line flags (flags win), and validated.
struct AgentConfig {
  /// The control plane's base URL, http(s)://host[:port][/prefix], without a trailing slash.
  std::string control_plane_url;
  /// The agent's own key ("agk-..."). Secret: never logged, never in an error message.
  std::string agent_key;
  std::string region;                      ///< informative; reported to the control plane
  std::string state_dir = "./data/agent";  ///< where the last good document is kept
  std::string host = "0.0.0.0";
  unsigned short port = 3000;
  unsigned threads = 0;  ///< event loops; 0 = one per core
  std::string log_level = "info";
  std::string extra_ca_file;  ///< extra CA bundle for the control plane's and upstreams' TLS
};

/// Prefix of every agent key the control plane issues.
inline constexpr const char* kAgentKeyPrefix = "agk-";

/// Loads the agent's configuration. `args` are the flags after the sub-command, e.g.
/// {"--control-plane", "https://cp.example.com", "--agent-key", "agk-..."}. The environment
/// is read from the process unless `environment` is given (tests). Settings: CONTROL_PLANE_URL
/// (--control-plane), AGENT_KEY (--agent-key), AGENT_REGION (--region), AGENT_STATE_DIR
/// (--state-dir), PORT (--port), HOST (--host), THREADS (--threads), LOG_LEVEL (--log-level),
/// EXTRA_CA_FILE.
/// Throws std::invalid_argument with a message naming the bad setting (and never the key).
AgentConfig loadAgentConfig(const std::vector<std::string>& args,
                            const std::map<std::string, std::string>* environment = nullptr);

/// Checks every rule loadAgentConfig applies (URL, key, region, log level). Throws
/// std::invalid_argument naming the setting.
void validateAgentConfig(const AgentConfig& config);

}  // namespace gw::agents
