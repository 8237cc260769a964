#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "core/clock.hpp"
#include "http/router.hpp"

namespace gw::http {
class ClientSet;
}
namespace gw::governance {
class KeyGuard;
}
namespace gw::routing {
class CircuitBreakerRegistry;
}
namespace gw::observe {
class GatewayMetrics;
class UsageLogWriter;
}

namespace gw::dataplane {

class SnapshotService;
class AgentLiveness;

struct DataplaneOptions {
  std::chrono::milliseconds request_deadline{600'000};     ///< total, all attempts
  std::chrono::milliseconds first_byte_timeout{120'000};   ///< per attempt, to the header
  std::chrono::milliseconds idle_timeout{120'000};         ///< between stream chunks
};

/// Forwarding to agents (docs/agents.md "Forwarding"). The default forwards nothing and
/// recognises no forward: right for an agent until it sets `token_key`, and for tests.
struct AgentForwarding {
  /// Control plane: which agents are online, to forward to them. Null = never forward.
  const AgentLiveness* liveness = nullptr;
  /// Agent mode: SHA-256 hex of this agent's key, to recognise its control plane's forwards
  /// (x-gateway-forwarded); their usage is logged there, so it is not uploaded from here. A
  /// node with a token key never forwards, whatever `liveness` says.
  std::string token_key;
};

/// What the /v1 handlers use, owned by the composition root.
struct DataplaneDeps {
  SnapshotService& snapshots;
  http::ClientSet& clients;
  governance::KeyGuard& guard;
  routing::CircuitBreakerRegistry& breakers;
  observe::GatewayMetrics& metrics;
  observe::UsageLogWriter& log_writer;
  const Clock& clock;
  DataplaneOptions options;
  /// Whether request bodies go into the usage log (admin setting `log_prompts`, live).
  const std::atomic<bool>& log_prompts;
  AgentForwarding forwarding{};
};

/// Registers /v1/chat/completions, /v1/completions, /v1/embeddings, /v1/models, /v1/messages
/// and their forms without /v1.
void registerDataplaneRoutes(http::Router& router, DataplaneDeps& deps);

}  // namespace gw::dataplane
