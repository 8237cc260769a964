#include "routing/executor.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <cmath>

#include "routing/strategy.hpp"

namespace gw::routing {

namespace {

using std::chrono::milliseconds;

Error makeError(ErrorCode code, std::string message) {
  Error e;
  e.code = code;
  e.message = std::move(message);
  return e;
}

Error noTarget(std::string message) {
  return makeError(ErrorCode::NoAvailableTarget, std::move(message));
}

Error deadlineError() {
  return makeError(ErrorCode::UpstreamTimeout, "the request's total deadline passed");
}

bool retryable(const RetryPolicy& policy, const Error& error) {
  const int status = effectiveStatus(error);
  return std::find(policy.on_status_codes.begin(), policy.on_status_codes.end(), status) !=
         policy.on_status_codes.end();
}

std::string requestModel(const RouteContext& ctx) {
  if (ctx.params != nullptr) {
    if (const auto* m = getString(*ctx.params, "model")) {
      return std::string(*m);
    }
  }
  return {};
}

}  // namespace

net::awaitable<void> TimerSleeper::sleep(milliseconds delay) {
  net::steady_timer timer(co_await net::this_coro::executor, delay);
  // Cancellation ends the wait early; the caller notices through its own checks.
  co_await timer.async_wait(net::as_tuple(net::use_awaitable));
}

struct Executor::Run {
  RouteContext& ctx;
  const AttemptFn& attempt;
  RouteOutcome& outcome;
};

Executor::Executor(const Clock& clock, Random& random, Sleeper& sleeper,
                   CircuitBreakerRegistry* breakers, ExecutorOptions options)
    : clock_(clock), random_(random), sleeper_(sleeper), breakers_(breakers),
      options_(options) {}

net::awaitable<RouteOutcome> Executor::execute(const RouteNode& root, RouteContext& ctx,
                                               AttemptFn attempt) {
  RouteOutcome outcome;
  Run run{ctx, attempt, outcome};
  outcome.result = co_await runNode(root, run);
  co_return outcome;
}

std::optional<milliseconds> Executor::retryDelay(const RetryPolicy& policy, int retry,
                                                 const Error& error) {
  if (policy.use_retry_after && error.retry_after_seconds) {
    const milliseconds wanted{std::int64_t{*error.retry_after_seconds} * 1000};
    if (wanted > options_.retry_after_cap) {
      return std::nullopt;
    }
    return std::max(wanted, milliseconds{0});
  }
  const double factor = std::ldexp(1.0, std::clamp(retry - 1, 0, 30));
  const double ceiling =
      std::min(static_cast<double>(options_.backoff_cap.count()),
               static_cast<double>(options_.backoff_base.count()) * factor);
  return milliseconds{static_cast<std::int64_t>(random_.uniform() * ceiling)};
}

bool Executor::deadlinePassed(const RouteContext& ctx) const {
  return ctx.deadline && clock_.steadyNow() >= *ctx.deadline;
}

// Not a coroutine: it hands back the leaf's or the group's, one frame less per request.
net::awaitable<Result<void>> Executor::runNode(const RouteNode& node, Run& run) {
  if (node.isLeaf()) {
    return runLeaf(node, run);
  }
  return runGroup(node, run);
}

net::awaitable<Result<void>> Executor::runGroup(const RouteNode& node, Run& run) {
  const Strategy& strategy = strategyFor(node.mode);
  std::optional<Error> failure;
  for (const auto index : strategy.order(node, run.ctx, random_)) {
    auto result = co_await runNode(node.children[index], run);
    if (result) {
      co_return result;
    }
    Error error = std::move(result.error());
    // A subtree skipped as circuit-open says less than a real failure: keep the latter.
    const bool skipped = error.code == ErrorCode::NoAvailableTarget;
    if (!skipped || !failure) {
      failure = error;
    }
    if (run.ctx.responseStarted() || deadlinePassed(run.ctx)) {
      break;
    }
    if (!skipped && !strategy.shouldTryNext(node, error)) {
      break;
    }
  }
  if (!failure) {
    co_return noTarget(node.mode == StrategyMode::Conditional
                           ? "no routing condition matched and there is no default target"
                           : "the route has no target");
  }
  co_return std::move(*failure);
}

net::awaitable<Result<void>> Executor::runLeaf(const RouteNode& leaf, Run& run) {
  std::string model(leaf.overrideModel());
  if (model.empty()) {
    model = requestModel(run.ctx);
  }
  const std::string key = breakerKey(leaf.provider->id, leaf.provider->name, model);
  if (breakers_ != nullptr && !breakers_->allow(key)) {
    co_return noTarget("circuit open for target " + key);
  }
  Error last;
  for (int retry = 0;; ++retry) {
    const auto now = clock_.steadyNow();
    if (run.ctx.deadline && now >= *run.ctx.deadline) {
      co_return retry == 0 ? deadlineError() : last;
    }
    milliseconds timeout = leaf.request_timeout.value_or(options_.default_attempt_timeout);
    if (run.ctx.deadline) {
      timeout = std::min(timeout,
                         std::chrono::duration_cast<milliseconds>(*run.ctx.deadline - now));
    }
    const ResolvedTarget target{leaf.provider, leaf.override_params, timeout, leaf.path, key};
    const AttemptInfo info{++run.outcome.attempts, retry, now + timeout};
    run.outcome.last_path = leaf.path;
    run.outcome.last_provider = leaf.provider;

    auto result = co_await run.attempt(target, info);
    if (result) {
      if (breakers_ != nullptr) {
        breakers_->recordSuccess(key);
      }
      co_return result;
    }
    last = std::move(result.error());
    if (breakers_ != nullptr) {
      breakers_->record(key, last);
    }
    if (run.ctx.responseStarted() || retry >= leaf.retry.attempts ||
        !retryable(leaf.retry, last)) {
      co_return last;
    }
    const auto delay = retryDelay(leaf.retry, retry + 1, last);
    if (!delay) {
      co_return last;  // the provider asks for a longer pause than we wait
    }
    if (run.ctx.deadline && clock_.steadyNow() + *delay >= *run.ctx.deadline) {
      co_return last;
    }
    if (breakers_ != nullptr && !breakers_->allow(key)) {
      co_return last;  // this failure opened the breaker
    }
    co_await sleeper_.sleep(*delay);
  }
}

}  // namespace gw::routing
