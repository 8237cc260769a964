#include "agents/backoff.hpp"

#include <algorithm>
#include <cmath>

namespace gw::agents {

std::chrono::milliseconds Backoff::next() {
  const double cap = static_cast<double>(policy_.max.count());
  double base = static_cast<double>(policy_.initial.count());
  for (int i = 0; i < failures_ && base < cap; ++i) {
    base *= policy_.multiplier;
  }
  base = std::min(base, cap);
  if (failures_ < 1'000'000) {
    ++failures_;
  }
  const double jitter = std::clamp(policy_.jitter, 0.0, 1.0);
  const double factor = 1.0 - jitter + 2.0 * jitter * random_.uniform();
  return std::chrono::milliseconds(std::llround(std::max(0.0, base * factor)));
}

}  // namespace gw::agents
