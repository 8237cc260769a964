#include "auth/jwt.hpp"

#include <gtest/gtest.h>

#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/json.hpp"

namespace gw::auth {
namespace {

using namespace std::chrono_literals;

constexpr const char* kSecret = "unit-test-secret-0123456789abcdef0123";

Claims alice() {
  Claims c;
  c.user_id = 42;
  c.username = "alice";
  c.role = "admin";
  return c;
}

std::string b64(std::string_view s) { return crypto::base64Encode(s, true); }

/// A token with any header and payload, signed with HS256 under `secret`.
std::string forge(const json::object& header, const json::object& payload,
                  std::string_view secret = kSecret) {
  const std::string input = b64(json::serialize(header)) + "." + b64(json::serialize(payload));
  return input + "." + b64(crypto::hmacSha256(secret, input));
}

json::object payloadFor(std::int64_t exp) {
  return json::object{{"sub", "42"}, {"username", "alice"}, {"role", "admin"},
                      {"iat", exp - 3600}, {"exp", exp}};
}

class JwtTest : public ::testing::Test {
protected:
  FakeClock clock;
  JwtSigner signer{kSecret, 1h};
};

TEST_F(JwtTest, RoundTripKeepsClaimsAndSetsTimes) {
  const auto token = signer.issue(alice(), clock.now());
  auto c = signer.verify(token, clock.now());
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->user_id, 42);
  EXPECT_EQ(c->username, "alice");
  EXPECT_EQ(c->role, "admin");
  EXPECT_EQ(c->issued_at, unixSeconds(clock.now()));
  EXPECT_EQ(c->expires_at, unixSeconds(clock.now()) + 3600);
}

TEST_F(JwtTest, HeaderSaysHs256) {
  const auto token = signer.issue(alice(), clock.now());
  auto header = parseJsonObject(*crypto::base64Decode(token.substr(0, token.find('.'))));
  ASSERT_TRUE(header);
  EXPECT_EQ(json::value(*header), (json::value{{"alg", "HS256"}, {"typ", "JWT"}}));
}

TEST_F(JwtTest, ExpiresAfterTtl) {
  const auto token = signer.issue(alice(), clock.now());
  clock.advance(59min + 59s);
  EXPECT_TRUE(signer.verify(token, clock.now()));
  clock.advance(1s);
  auto c = signer.verify(token, clock.now());
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, ErrorCode::Unauthorized);
  EXPECT_NE(c.error().message.find("expired"), std::string::npos);
}

TEST_F(JwtTest, TamperedPayloadIsRefused) {
  const auto token = signer.issue(alice(), clock.now());
  const auto d1 = token.find('.');
  const auto d2 = token.find('.', d1 + 1);
  auto payload = payloadFor(unixSeconds(clock.now()) + 3600);
  payload["role"] = "admin";
  payload["sub"] = "1";  // another user
  const std::string forged =
      token.substr(0, d1 + 1) + b64(json::serialize(payload)) + token.substr(d2);
  auto c = signer.verify(forged, clock.now());
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, ErrorCode::Unauthorized);
}

TEST_F(JwtTest, TamperedSignatureIsRefusedAtEveryPosition) {
  const auto token = signer.issue(alice(), clock.now());
  const auto sig_start = token.rfind('.') + 1;
  for (std::size_t i = sig_start; i < token.size(); ++i) {
    std::string bad = token;
    bad[i] = bad[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(signer.verify(bad, clock.now())) << "changed signature char " << i - sig_start;
  }
}

TEST_F(JwtTest, PaddedSignatureIsRefused) {
  // Only the canonical unpadded base64url form is a valid encoding of the signature.
  const auto token = signer.issue(alice(), clock.now());
  EXPECT_FALSE(signer.verify(token + "=", clock.now()));
}

TEST_F(JwtTest, OtherSecretIsRefused) {
  JwtSigner other("another-secret-0123456789abcdef01234", 1h);
  EXPECT_FALSE(signer.verify(other.issue(alice(), clock.now()), clock.now()));
}

TEST_F(JwtTest, AlgNoneIsRefused) {
  const auto payload = b64(json::serialize(payloadFor(unixSeconds(clock.now()) + 3600)));
  for (const char* alg : {"none", "None", "NONE"}) {
    const auto header = b64(json::serialize(json::object{{"alg", alg}, {"typ", "JWT"}}));
    EXPECT_FALSE(signer.verify(header + "." + payload + ".", clock.now())) << alg;
    // Even with a valid HS256 signature over the same input.
    const auto input = header + "." + payload;
    EXPECT_FALSE(signer.verify(input + "." + b64(crypto::hmacSha256(kSecret, input)),
                               clock.now()))
        << alg;
  }
}

TEST_F(JwtTest, OtherAlgorithmsAreRefusedEvenWhenSignedWithTheSecret) {
  const auto payload = payloadFor(unixSeconds(clock.now()) + 3600);
  for (const char* alg : {"HS512", "HS384", "RS256", "ES256", "hs256"}) {
    auto c = signer.verify(forge(json::object{{"alg", alg}, {"typ", "JWT"}}, payload),
                           clock.now());
    ASSERT_FALSE(c) << alg;
    EXPECT_EQ(c.error().code, ErrorCode::Unauthorized);
  }
  // Missing alg, or alg of another type.
  EXPECT_FALSE(signer.verify(forge(json::object{{"typ", "JWT"}}, payload), clock.now()));
  EXPECT_FALSE(signer.verify(forge(json::object{{"alg", 256}}, payload), clock.now()));
}

TEST_F(JwtTest, ForgedHs256WithTheSecretIsAccepted) {
  // Sanity check of forge(): the refusals above are about the algorithm, not the helper.
  auto c = signer.verify(forge(json::object{{"alg", "HS256"}, {"typ", "JWT"}},
                               payloadFor(unixSeconds(clock.now()) + 60)),
                         clock.now());
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->user_id, 42);
}

TEST_F(JwtTest, MalformedTokensAreRefused) {
  const auto good = signer.issue(alice(), clock.now());
  const std::string header = good.substr(0, good.find('.'));
  for (const std::string& t :
       {std::string(), std::string("."), std::string(".."), std::string("abc"),
        std::string("a.b"), std::string("a.b.c.d"), good + ".extra", header + ".!!!.sig",
        b64("not json") + "." + b64("{}") + ".sig", header + "." + b64("[1,2]") + ".x"}) {
    auto c = signer.verify(t, clock.now());
    ASSERT_FALSE(c) << t;
    EXPECT_EQ(c.error().code, ErrorCode::Unauthorized) << t;
  }
}

TEST_F(JwtTest, MissingOrBadClaimsAreRefused) {
  const auto exp = unixSeconds(clock.now()) + 3600;
  const json::object h{{"alg", "HS256"}, {"typ", "JWT"}};
  auto without = [&](const char* key) {
    auto p = payloadFor(exp);
    p.erase(key);
    return p;
  };
  EXPECT_FALSE(signer.verify(forge(h, without("sub")), clock.now()));
  EXPECT_FALSE(signer.verify(forge(h, without("exp")), clock.now()));
  EXPECT_FALSE(signer.verify(forge(h, without("role")), clock.now()));
  auto p = payloadFor(exp);
  p["sub"] = "not-a-number";
  EXPECT_FALSE(signer.verify(forge(h, p), clock.now()));
  p = payloadFor(exp);
  p["exp"] = "tomorrow";
  EXPECT_FALSE(signer.verify(forge(h, p), clock.now()));
}

}  // namespace
}  // namespace gw::auth
