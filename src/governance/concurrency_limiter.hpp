#pragma once

#include <atomic>
#include <cstdint>

#include "governance/concurrent_map.hpp"

namespace gw::governance {

/// One in-flight request counted against a key's concurrency limit. Move-only RAII: the slot is
/// given back when the permit is destroyed or release() is called. An empty permit (default,
/// moved-from, or from a key without a limit) holds nothing.
class ConcurrencyPermit {
public:
  ConcurrencyPermit() = default;
  explicit ConcurrencyPermit(std::atomic<std::int64_t>* counter) : counter_(counter) {}
  ConcurrencyPermit(ConcurrencyPermit&& other) noexcept : counter_(other.counter_) {
    other.counter_ = nullptr;
  }
  ConcurrencyPermit& operator=(ConcurrencyPermit&& other) noexcept {
    if (this != &other) {
      release();
      counter_ = other.counter_;
      other.counter_ = nullptr;
    }
    return *this;
  }
  ConcurrencyPermit(const ConcurrencyPermit&) = delete;
  ConcurrencyPermit& operator=(const ConcurrencyPermit&) = delete;
  ~ConcurrencyPermit() { release(); }

  /// Gives the slot back now (idempotent).
  void release() {
    if (counter_ != nullptr) {
      counter_->fetch_sub(1, std::memory_order_acq_rel);
      counter_ = nullptr;
    }
  }
  bool holds() const { return counter_ != nullptr; }

private:
  std::atomic<std::int64_t>* counter_ = nullptr;
};

/// Per-key count of in-flight requests with an upper bound.
/// @par Thread Safety
/// Safe from any thread; lock-free (a CAS loop, so the count never exceeds the limit, even
/// transiently). A
/// permit must not outlive the limiter that issued it.
class ConcurrencyLimiter {
public:
  /// `ok` with a permit when `key_id` has fewer than `limit` requests in flight, `ok == false`
  /// otherwise. `limit <= 0` means unlimited (ok, with an empty permit).
  struct Acquired {
    bool ok = false;
    ConcurrencyPermit permit;
  };
  Acquired tryAcquire(std::int64_t key_id, std::int64_t limit);

  /// Requests of `key_id` in flight now (for stats and tests).
  std::int64_t inFlight(std::int64_t key_id) const;

private:
  struct State {
    std::atomic<std::int64_t> in_flight{0};
  };
  ConcurrentMap<std::int64_t, State> states_;
};

}  // namespace gw::governance
