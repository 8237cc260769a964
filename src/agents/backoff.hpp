#pragma once

#include <chrono>

#include "core/random.hpp"

namespace gw::agents {

/// How retries after failures are spaced.
struct BackoffPolicy {
  std::chrono::milliseconds initial{500};  ///< delay after the first failure
  std::chrono::milliseconds max{30'000};   ///< cap on the un-jittered delay
  double multiplier = 2.0;                 ///< growth per consecutive failure
  double jitter = 0.2;                     ///< +/- fraction of the delay, drawn uniformly
};

/// Exponential, capped, jittered backoff: after the n-th consecutive failure (n from 1) the
/// delay is min(max, initial * multiplier^(n-1)) scaled by a factor drawn uniformly from
/// [1 - jitter, 1 + jitter). reset() after a success starts again from `initial`.
/// Jitter keeps a fleet of agents from hammering a recovering control plane in lock-step.
/// @par Thread Safety
/// Not thread-safe; `random` must outlive the object and is used on the caller's thread.
class Backoff {
public:
  Backoff(BackoffPolicy policy, Random& random) : policy_(policy), random_(random) {}

  /// Records one more failure and returns how long to wait before the next attempt.
  std::chrono::milliseconds next();
  /// Records a success.
  void reset() { failures_ = 0; }
  /// Consecutive failures so far.
  int failures() const { return failures_; }

private:
  BackoffPolicy policy_;
  Random& random_;
  int failures_ = 0;
};

}  // namespace gw::agents
