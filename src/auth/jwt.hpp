#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace gw::auth {

/// The claims the admin API relies on.
struct Claims {
  std::int64_t user_id = 0;
  std::string username;
  std::string role;  ///< "admin" | "viewer"
  std::int64_t issued_at = 0;
  std::int64_t expires_at = 0;
};

/// HS256 JSON Web Tokens over OpenSSL HMAC. Only HS256 is accepted: `alg: none` and every other
/// algorithm are refused, whatever the header says.
/// @par Thread Safety
/// Immutable after construction; safe from any thread.
class JwtSigner {
public:
  JwtSigner(std::string secret, std::chrono::seconds ttl) : secret_(std::move(secret)), ttl_(ttl) {}
  /// Issues a token for `claims` (iat/exp filled from `now`).
  std::string issue(Claims claims, std::chrono::system_clock::time_point now) const;
  /// Verifies signature, algorithm and expiry. Errors are Unauthorized with a reason.
  Result<Claims> verify(std::string_view token, std::chrono::system_clock::time_point now) const;

private:
  std::string secret_;
  std::chrono::seconds ttl_;
};

}  // namespace gw::auth
