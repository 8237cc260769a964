#pragma once

#include <atomic>
#include <chrono>
#include <memory>

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

struct DataplaneOptions {
  std::chrono::milliseconds request_deadline{600'000};     ///< total, all attempts
  std::chrono::milliseconds first_byte_timeout{120'000};   ///< per attempt, to the header
  std::chrono::milliseconds idle_timeout{120'000};         ///< between stream chunks
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
};

/// Registers /v1/chat/completions, /v1/completions, /v1/embeddings, /v1/models, /v1/messages
/// and their forms without /v1.
void registerDataplaneRoutes(http::Router& router, DataplaneDeps& deps);

}  // namespace gw::dataplane
