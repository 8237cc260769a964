#include "governance/concurrency_limiter.hpp"

namespace gw::governance {

ConcurrencyLimiter::Acquired ConcurrencyLimiter::tryAcquire(std::int64_t key_id,
                                                            std::int64_t limit) {
  if (limit <= 0) {
    return {true, ConcurrencyPermit{}};
  }
  auto& counter = states_.getOrCreate(key_id).in_flight;
  std::int64_t seen = counter.load(std::memory_order_acquire);
  do {
    if (seen >= limit) {
      return {false, ConcurrencyPermit{}};
    }
  } while (!counter.compare_exchange_weak(seen, seen + 1, std::memory_order_acq_rel,
                                          std::memory_order_acquire));
  return {true, ConcurrencyPermit{&counter}};
}

std::int64_t ConcurrencyLimiter::inFlight(std::int64_t key_id) const {
  const State* s = states_.find(key_id);
  return s == nullptr ? 0 : s->in_flight.load(std::memory_order_acquire);
}

}  // namespace gw::governance
