#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "agents/agent_config.hpp"

namespace gw::app {

/// The composition root of `llm-gateway agent`: a data-plane node without a database. It
/// serves the same /v1 handlers as `serve` (plus /healthz, /readyz, /metrics) from the config
/// document it pulls from the control plane (agents::AgentSync), keeps the last good document
/// in the state directory and sends heartbeats and usage rows back.
/// Used by `llm-gateway agent` and, in-process, by the integration tests.
class AgentApp {
public:
  explicit AgentApp(agents::AgentConfig config);
  ~AgentApp();
  AgentApp(const AgentApp&) = delete;
  AgentApp& operator=(const AgentApp&) = delete;

  /// Loads the state file (when present), binds, starts serving and syncing. Throws on a bind
  /// failure (start-up).
  void start();
  /// The bound port (after start()).
  unsigned short port() const;
  /// The control plane's version of the document being served; 0 before any.
  std::uint64_t configVersion() const;
  /// Graceful shutdown: stops syncing (sending the queued usage once more), then the server.
  void stop();

  struct Impl;

private:
  std::unique_ptr<Impl> impl_;
};

/// `llm-gateway agent`: loads the agent configuration, runs until SIGINT/SIGTERM. Returns the
/// exit code (2 for a configuration error).
int runAgent(const std::vector<std::string>& args);

}  // namespace gw::app
