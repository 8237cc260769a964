#pragma once

#include <algorithm>
#include <chrono>

namespace gw::http {

/// A point in monotonic time by which an upstream operation must finish. Deadlines are absolute
/// so that one budget can be handed down through several awaits (resolve, connect, TLS, write,
/// first byte) without each step restarting its own clock.
///
/// They use std::chrono::steady_clock because Asio timers do; code that needs a testable notion
/// of "now" keeps using gw::Clock and converts at the edge.
struct Deadline {
  std::chrono::steady_clock::time_point at;

  /// `timeout` from now.
  static Deadline after(std::chrono::steady_clock::duration timeout) {
    return Deadline{std::chrono::steady_clock::now() + timeout};
  }
  /// A deadline that never passes in practice (about 100 years away; still a valid timer
  /// expiry, unlike time_point::max()).
  static Deadline never() {
    return Deadline{std::chrono::steady_clock::now() + std::chrono::hours{24 * 365 * 100}};
  }
  /// The earlier of the two.
  static Deadline earliest(Deadline a, Deadline b) { return Deadline{std::min(a.at, b.at)}; }

  /// Whether the deadline has passed.
  bool expired() const { return std::chrono::steady_clock::now() >= at; }
  /// Time left, zero once passed.
  std::chrono::steady_clock::duration remaining() const {
    const auto left = at - std::chrono::steady_clock::now();
    return left.count() > 0 ? left : std::chrono::steady_clock::duration::zero();
  }
};

}  // namespace gw::http
