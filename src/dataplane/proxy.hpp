#pragma once

#include <memory>
#include <vector>

#include "core/random.hpp"
#include "dataplane/dataplane.hpp"
#include "http/request_context.hpp"
#include "providers/provider.hpp"
#include "routing/executor.hpp"

namespace gw::dataplane {

namespace net = boost::asio;

/// The wire format the client speaks.
enum class Ingress { OpenAi, Anthropic };

/// Per-event-loop state of the data plane (the routing executor holds a Random, which is not
/// thread-safe).
struct LoopState {
  explicit LoopState(const Clock& clock, routing::CircuitBreakerRegistry* breakers)
      : executor(clock, random, sleeper, breakers) {}
  DefaultRandom random;
  routing::TimerSleeper sleeper;
  routing::Executor executor;
};

/// The data plane: authenticates the key, admits it past its limits, routes, translates,
/// streams back and accounts. Handlers are thin wrappers around proxy().
/// @par Thread Safety
/// Shared by all loops; per-loop state is indexed by the calling loop.
class Dataplane {
public:
  Dataplane(DataplaneDeps& deps, std::size_t loops);

  /// POST chat/completions, completions, embeddings, messages.
  net::awaitable<void> proxy(http::RequestContext& rc, providers::Operation op, Ingress ingress);
  /// GET /v1/models.
  net::awaitable<void> listModels(http::RequestContext& rc);

  DataplaneDeps& deps() { return deps_; }
  LoopState& loopState();

private:
  DataplaneDeps& deps_;
  std::vector<std::unique_ptr<LoopState>> loops_;
};

}  // namespace gw::dataplane
