#include "auth/login_limiter.hpp"

#include <algorithm>
#include <cctype>

namespace gw::auth {

namespace {

std::string keyOf(const std::string& username, const std::string& address) {
  std::string k = username;
  std::transform(k.begin(), k.end(), k.begin(), [](unsigned char c) { return std::tolower(c); });
  return k + '\n' + address;
}

}  // namespace

void LoginLimiter::prune(std::deque<std::chrono::steady_clock::time_point>& q,
                         std::chrono::steady_clock::time_point now) const {
  while (!q.empty() && now - q.front() >= window_) {
    q.pop_front();
  }
}

std::optional<long long> LoginLimiter::blockedFor(const std::string& username,
                                                  const std::string& address) {
  std::lock_guard lock(mutex_);
  auto it = failures_.find(keyOf(username, address));
  if (it == failures_.end()) {
    return std::nullopt;
  }
  const auto now = clock_.steadyNow();
  prune(it->second, now);
  if (static_cast<int>(it->second.size()) < max_failures_) {
    return std::nullopt;
  }
  const auto until = it->second.front() + window_;
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(until - now).count();
  return std::max<long long>(1, secs + 1);
}

void LoginLimiter::recordFailure(const std::string& username, const std::string& address) {
  std::lock_guard lock(mutex_);
  if (failures_.size() > 100'000) {
    failures_.clear();  // bound memory under a spray of usernames
  }
  auto& q = failures_[keyOf(username, address)];
  prune(q, clock_.steadyNow());
  q.push_back(clock_.steadyNow());
}

void LoginLimiter::recordSuccess(const std::string& username, const std::string& address) {
  std::lock_guard lock(mutex_);
  failures_.erase(keyOf(username, address));
}

}  // namespace gw::auth
