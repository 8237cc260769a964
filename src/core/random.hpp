#pragma once

#include <cstdint>
#include <random>
#include <string>

namespace gw {

/// Source of randomness, injected so routing and jitter are reproducible in tests.
/// @par Thread Safety
/// Not thread-safe; keep one per event-loop thread.
class Random {
public:
  virtual ~Random() = default;
  /// Uniform in [0, 1).
  virtual double uniform() = 0;
};

/// Mersenne twister seeded from std::random_device, or from `seed` for tests.
class DefaultRandom final : public Random {
public:
  DefaultRandom() : engine_(std::random_device{}()) {}
  explicit DefaultRandom(std::uint64_t seed) : engine_(seed) {}
  double uniform() override { return dist_(engine_); }

private:
  std::mt19937_64 engine_;
  std::uniform_real_distribution<double> dist_{0.0, 1.0};
};

/// Cryptographically secure random bytes (libsodium), as base62 text of at least `bytes`
/// bytes of entropy.
std::string secureBase62(std::size_t bytes);
/// Cryptographically secure random bytes as lowercase hex.
std::string secureHex(std::size_t bytes);

}  // namespace gw
