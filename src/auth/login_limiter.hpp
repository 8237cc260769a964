#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "core/clock.hpp"

namespace gw::auth {

/// Locks a username out for one address after `max_failures` failed logins within `window`.
/// @par Thread Safety
/// Thread-safe (a mutex; the login path is not the data plane).
class LoginLimiter {
public:
  LoginLimiter(const Clock& clock, int max_failures = 5,
               std::chrono::seconds window = std::chrono::minutes(15))
      : clock_(clock), max_failures_(max_failures), window_(window) {}

  /// Seconds until another attempt is allowed, or nullopt when allowed now.
  std::optional<long long> blockedFor(const std::string& username, const std::string& address);
  void recordFailure(const std::string& username, const std::string& address);
  void recordSuccess(const std::string& username, const std::string& address);

private:
  void prune(std::deque<std::chrono::steady_clock::time_point>& q,
             std::chrono::steady_clock::time_point now) const;

  const Clock& clock_;
  int max_failures_;
  std::chrono::seconds window_;
  std::mutex mutex_;
  std::map<std::string, std::deque<std::chrono::steady_clock::time_point>> failures_;
};

}  // namespace gw::auth
