#include "auth/jwt.hpp"

#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/json.hpp"

namespace gw::auth {

namespace {

Error unauthorized(std::string why) { return Error{ErrorCode::Unauthorized, std::move(why)}; }

}  // namespace

std::string JwtSigner::issue(Claims claims, std::chrono::system_clock::time_point now) const {
  claims.issued_at = unixSeconds(now);
  claims.expires_at = claims.issued_at + ttl_.count();
  const json::object header{{"alg", "HS256"}, {"typ", "JWT"}};
  const json::object payload{{"sub", std::to_string(claims.user_id)},
                             {"username", claims.username},
                             {"role", claims.role},
                             {"iat", claims.issued_at},
                             {"exp", claims.expires_at}};
  std::string signing_input = crypto::base64Encode(json::serialize(header), true) + "." +
                              crypto::base64Encode(json::serialize(payload), true);
  const std::string sig = crypto::hmacSha256(secret_, signing_input);
  return signing_input + "." + crypto::base64Encode(sig, true);
}

Result<Claims> JwtSigner::verify(std::string_view token,
                                 std::chrono::system_clock::time_point now) const {
  const auto d1 = token.find('.');
  const auto d2 = d1 == std::string_view::npos ? d1 : token.find('.', d1 + 1);
  if (d2 == std::string_view::npos || token.find('.', d2 + 1) != std::string_view::npos) {
    return unauthorized("malformed token");
  }
  const auto header_text = crypto::base64Decode(token.substr(0, d1));
  if (!header_text) {
    return unauthorized("malformed token header");
  }
  auto header = parseJsonObject(*header_text);
  if (!header) {
    return unauthorized("malformed token header");
  }
  const auto alg = getStringView(*header, "alg");
  if (!alg || *alg != "HS256") {
    return unauthorized("unsupported token algorithm");
  }
  // Compare the encoded text, not the decoded bytes: the decoder accepts padding and ignores
  // the spare low bits of the last character, so several texts decode to one signature and a
  // byte comparison would accept altered tokens.
  const std::string expected =
      crypto::base64Encode(crypto::hmacSha256(secret_, token.substr(0, d2)), true);
  if (!crypto::constantTimeEquals(token.substr(d2 + 1), expected)) {
    return unauthorized("invalid token signature");
  }
  const auto payload_text = crypto::base64Decode(token.substr(d1 + 1, d2 - d1 - 1));
  if (!payload_text) {
    return unauthorized("malformed token payload");
  }
  auto payload = parseJsonObject(*payload_text);
  if (!payload) {
    return unauthorized("malformed token payload");
  }
  Claims c;
  const auto sub = getStringView(*payload, "sub");
  const auto exp = getInt(*payload, "exp");
  const auto role = getStringView(*payload, "role");
  if (!sub || !exp || !role) {
    return unauthorized("token lacks required claims");
  }
  try {
    c.user_id = std::stoll(std::string(*sub));
  } catch (...) {
    return unauthorized("token subject is not a user id");
  }
  c.role = std::string(*role);
  c.username = std::string(getStringView(*payload, "username").value_or(""));
  c.expires_at = *exp;
  c.issued_at = getInt(*payload, "iat").value_or(0);
  if (unixSeconds(now) >= c.expires_at) {
    return unauthorized("token expired");
  }
  return c;
}

}  // namespace gw::auth
