#pragma once

#include <atomic>

namespace gw::governance::testing {

/// Counts threads inside a section and remembers the most seen at once.
class PeakTracker {
public:
  void enter() {
    const int now = ++inside_;
    int seen = peak_.load();
    while (now > seen && !peak_.compare_exchange_weak(seen, now)) {
    }
  }
  void leave() { --inside_; }
  int peak() const { return peak_.load(); }

private:
  std::atomic<int> inside_{0};
  std::atomic<int> peak_{0};
};

}  // namespace gw::governance::testing
