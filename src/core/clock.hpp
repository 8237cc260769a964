#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace gw {

/// Time source, injected so tests never sleep.
/// @par Thread Safety
/// Implementations are safe to call from any thread.
class Clock {
public:
  virtual ~Clock() = default;
  /// Wall-clock time (for budgets' period boundaries, log timestamps, expiry).
  virtual std::chrono::system_clock::time_point now() const = 0;
  /// Monotonic time (for rate windows, latencies, breaker cool-downs).
  virtual std::chrono::steady_clock::time_point steadyNow() const = 0;
};

/// The real clocks.
class SystemClock final : public Clock {
public:
  std::chrono::system_clock::time_point now() const override {
    return std::chrono::system_clock::now();
  }
  std::chrono::steady_clock::time_point steadyNow() const override {
    return std::chrono::steady_clock::now();
  }
};

/// A clock tests move by hand. Both clocks advance together.
class FakeClock final : public Clock {
public:
  explicit FakeClock(std::chrono::system_clock::time_point start =
                         std::chrono::system_clock::time_point{std::chrono::seconds{1'800'000'000}})
      : wall_(start.time_since_epoch().count()) {}
  std::chrono::system_clock::time_point now() const override {
    return std::chrono::system_clock::time_point{std::chrono::system_clock::duration{wall_.load()}};
  }
  std::chrono::steady_clock::time_point steadyNow() const override {
    return std::chrono::steady_clock::time_point{std::chrono::steady_clock::duration{mono_.load()}};
  }
  template <class Rep, class Period>
  void advance(std::chrono::duration<Rep, Period> d) {
    wall_ += std::chrono::duration_cast<std::chrono::system_clock::duration>(d).count();
    mono_ += std::chrono::duration_cast<std::chrono::steady_clock::duration>(d).count();
  }
  void setWall(std::chrono::system_clock::time_point t) { wall_ = t.time_since_epoch().count(); }

private:
  std::atomic<std::int64_t> wall_;
  std::atomic<std::int64_t> mono_{std::int64_t{1'000'000'000'000}};
};

/// RFC 3339 UTC with seconds, e.g. "2026-11-28T07:04:00Z".
std::string formatRfc3339(std::chrono::system_clock::time_point t);
/// Parses RFC 3339 ("2026-11-28T07:04:00Z", fractional seconds and offsets accepted).
/// Returns false when `s` is not a valid timestamp.
bool parseRfc3339(std::string_view s, std::chrono::system_clock::time_point& out);
/// Seconds since the Unix epoch.
std::int64_t unixSeconds(std::chrono::system_clock::time_point t);

}  // namespace gw
