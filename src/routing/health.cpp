#include "routing/health.hpp"

namespace gw::routing {

struct CircuitBreakerRegistry::Entry {
  mutable std::mutex mutex;
  BreakerState state = BreakerState::Closed;
  int consecutive_failures = 0;
  int window_requests = 0;
  int window_failures = 0;
  std::int64_t times_opened = 0;
  std::chrono::steady_clock::time_point window_start{};
  std::chrono::steady_clock::time_point opened_at{};
  std::chrono::system_clock::time_point opened_at_wall{};
  bool probe_in_flight = false;
  std::chrono::steady_clock::time_point probe_started{};
};

std::string_view breakerStateName(BreakerState state) {
  switch (state) {
    case BreakerState::Closed: return "closed";
    case BreakerState::Open: return "open";
    case BreakerState::HalfOpen: return "half_open";
  }
  return "closed";
}

bool countsAsFailure(const Error& error) {
  switch (error.code) {
    case ErrorCode::UpstreamUnavailable:
    case ErrorCode::UpstreamTimeout:
      return true;
    case ErrorCode::UpstreamError:
      if (error.upstream_status) {
        const int s = *error.upstream_status;
        return s >= 500 || s == 408 || s == 429;
      }
      return true;
    case ErrorCode::InvalidRequest:
    case ErrorCode::Unauthorized:
    case ErrorCode::Forbidden:
    case ErrorCode::NotFound:
    case ErrorCode::MethodNotAllowed:
    case ErrorCode::Conflict:
    case ErrorCode::PayloadTooLarge:
    case ErrorCode::Unsupported:
    case ErrorCode::RateLimited:
    case ErrorCode::BudgetExceeded:
    case ErrorCode::NoAvailableTarget:
    case ErrorCode::Internal:
    case ErrorCode::ServiceUnavailable:
      return false;
  }
  return false;
}

std::string breakerKey(std::int64_t provider_id, std::string_view provider_name,
                       std::string_view model) {
  std::string key = provider_id != 0 ? std::to_string(provider_id)
                                     : "inline:" + std::string(provider_name);
  key += '/';
  key += model;
  return key;
}

CircuitBreakerRegistry::CircuitBreakerRegistry(const Clock& clock, BreakerPolicy policy)
    : clock_(clock), policy_(policy) {}

CircuitBreakerRegistry::~CircuitBreakerRegistry() = default;

CircuitBreakerRegistry::Entry& CircuitBreakerRegistry::entry(std::string_view key) {
  {
    std::shared_lock lock(map_mutex_);
    const auto it = entries_.find(key);
    if (it != entries_.end()) {
      return *it->second;
    }
  }
  std::unique_lock lock(map_mutex_);
  auto& slot = entries_[std::string(key)];
  if (!slot) {
    slot = std::make_unique<Entry>();
    slot->window_start = clock_.steadyNow();
  }
  return *slot;
}

const CircuitBreakerRegistry::Entry* CircuitBreakerRegistry::find(std::string_view key) const {
  std::shared_lock lock(map_mutex_);
  const auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : it->second.get();
}

bool CircuitBreakerRegistry::allow(std::string_view key) {
  Entry& e = entry(key);
  const auto now = clock_.steadyNow();
  std::lock_guard lock(e.mutex);
  switch (e.state) {
    case BreakerState::Closed:
      return true;
    case BreakerState::Open:
      if (now - e.opened_at < policy_.cooldown) {
        return false;
      }
      e.state = BreakerState::HalfOpen;
      e.probe_in_flight = true;
      e.probe_started = now;
      return true;
    case BreakerState::HalfOpen:
      // One probe at a time; a probe never reported (cancelled) frees the slot eventually.
      if (e.probe_in_flight && now - e.probe_started < policy_.cooldown) {
        return false;
      }
      e.probe_in_flight = true;
      e.probe_started = now;
      return true;
  }
  return false;
}

void CircuitBreakerRegistry::recordSuccess(std::string_view key) {
  Entry& e = entry(key);
  const auto now = clock_.steadyNow();
  std::lock_guard lock(e.mutex);
  if (e.state == BreakerState::Open) {
    return;  // an attempt that started before the breaker opened
  }
  if (e.state == BreakerState::HalfOpen) {
    e.state = BreakerState::Closed;
    e.probe_in_flight = false;
    e.window_requests = 0;
    e.window_failures = 0;
    e.window_start = now;
  }
  if (now - e.window_start >= policy_.window) {
    e.window_start = now;
    e.window_requests = 0;
    e.window_failures = 0;
  }
  e.consecutive_failures = 0;
  ++e.window_requests;
}

void CircuitBreakerRegistry::recordFailure(std::string_view key) {
  Entry& e = entry(key);
  const auto now = clock_.steadyNow();
  std::lock_guard lock(e.mutex);
  const auto open = [&] {
    e.state = BreakerState::Open;
    e.opened_at = now;
    e.opened_at_wall = clock_.now();
    e.probe_in_flight = false;
    ++e.times_opened;
  };
  switch (e.state) {
    case BreakerState::Open:
      return;
    case BreakerState::HalfOpen:
      open();
      return;
    case BreakerState::Closed:
      break;
  }
  if (now - e.window_start >= policy_.window) {
    e.window_start = now;
    e.window_requests = 0;
    e.window_failures = 0;
  }
  ++e.consecutive_failures;
  ++e.window_requests;
  ++e.window_failures;
  const bool by_count = e.consecutive_failures >= policy_.consecutive_failures;
  const bool by_rate = e.window_requests >= policy_.min_requests &&
                       e.window_failures >= policy_.failure_rate * e.window_requests;
  if (by_count || by_rate) {
    open();
  }
}

void CircuitBreakerRegistry::record(std::string_view key, const Error& error) {
  if (countsAsFailure(error)) {
    recordFailure(key);
  } else {
    recordSuccess(key);
  }
}

BreakerState CircuitBreakerRegistry::state(std::string_view key) const {
  const Entry* e = find(key);
  if (e == nullptr) {
    return BreakerState::Closed;
  }
  std::lock_guard lock(e->mutex);
  return e->state;
}

json::array CircuitBreakerRegistry::toJson() const {
  json::array out;
  std::shared_lock map_lock(map_mutex_);
  for (const auto& [key, e] : entries_) {
    std::lock_guard lock(e->mutex);
    json::object o;
    o["key"] = key;
    o["state"] = breakerStateName(e->state);
    o["consecutive_failures"] = e->consecutive_failures;
    o["window_requests"] = e->window_requests;
    o["window_failures"] = e->window_failures;
    o["times_opened"] = e->times_opened;
    if (e->state == BreakerState::Closed) {
      o["opened_at"] = nullptr;
      o["retry_at"] = nullptr;
    } else {
      o["opened_at"] = formatRfc3339(e->opened_at_wall);
      o["retry_at"] = formatRfc3339(
          e->opened_at_wall +
          std::chrono::duration_cast<std::chrono::system_clock::duration>(policy_.cooldown));
    }
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace gw::routing
