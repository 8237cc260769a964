// Register -> login -> profile, the lockout, token checks and roles, over real HTTP.

#include <gtest/gtest.h>

#include "core/crypto.hpp"
#include "integration/test_support.hpp"

namespace gw::test {
namespace {

std::string credentials(const std::string& user, const std::string& password) {
  return json::serialize(json::object{{"username", user}, {"password", password}});
}

std::string b64(std::string_view s) { return crypto::base64Encode(s, true); }

/// A token with the given header, a valid payload for user 1, signed with `secret`.
std::string forge(const json::object& header, std::string_view secret, std::int64_t exp) {
  const json::object payload{{"sub", "1"}, {"username", "admin"}, {"role", "admin"},
                             {"iat", exp - 60}, {"exp", exp}};
  const std::string input = b64(json::serialize(header)) + "." + b64(json::serialize(payload));
  return input + "." + b64(crypto::hmacSha256(secret, input));
}

std::int64_t nowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

constexpr const char* kSecret = "integration-test-secret-0123456789abcdef";  // TestGateway's

class AuthTest : public ::testing::Test {
protected:
  void expectError(const HttpResponse& r, int status, std::string_view code) {
    EXPECT_EQ(r.status, status) << r.body;
    const auto body = r.json();
    ASSERT_TRUE(body.is_object()) << r.body;
    EXPECT_EQ(body.at("error").at("code"), json::value(code)) << r.body;
    EXPECT_TRUE(body.at("error").at("message").is_string());
  }

  TestGateway gw;
};

TEST_F(AuthTest, RegisterLoginProfile) {
  auto status = gw.request("GET", "/api/auth/status");
  EXPECT_EQ(status.json(), (json::value{{"registration_open", true}}));

  auto reg = gw.request("POST", "/api/auth/register", credentials("admin", "password123"));
  ASSERT_EQ(reg.status, 201) << reg.body;
  const auto reg_body = reg.json();
  const auto& user = reg_body.at("user").as_object();
  EXPECT_EQ(user.at("username"), "admin");
  EXPECT_EQ(user.at("role"), "admin");
  EXPECT_TRUE(user.at("id").is_int64());
  EXPECT_TRUE(reg.json().at("token").is_string());

  auto login = gw.request("POST", "/api/auth/login", credentials("admin", "password123"));
  ASSERT_EQ(login.status, 200) << login.body;
  EXPECT_EQ(login.json().at("user"), reg.json().at("user"));
  const std::string token(login.json().at("token").as_string());

  auto profile = gw.authed(token, "GET", "/api/auth/profile");
  ASSERT_EQ(profile.status, 200) << profile.body;
  EXPECT_EQ(profile.json().at("username"), "admin");
  EXPECT_EQ(profile.json().at("role"), "admin");
  EXPECT_EQ(profile.json().at("id"), user.at("id"));
  EXPECT_FALSE(profile.json().as_object().contains("password_hash"));

  EXPECT_EQ(gw.request("GET", "/api/auth/status").json(),
            (json::value{{"registration_open", false}}));
}

TEST_F(AuthTest, SecondRegisterIsForbidden) {
  gw.registerAdmin();
  auto again = gw.request("POST", "/api/auth/register", credentials("intruder", "password123"));
  expectError(again, 403, "forbidden");
  auto login = gw.request("POST", "/api/auth/login", credentials("intruder", "password123"));
  EXPECT_EQ(login.status, 401);
}

TEST_F(AuthTest, RegisterValidatesFields) {
  auto r = gw.request("POST", "/api/auth/register", credentials("a", "short"));
  expectError(r, 400, "invalid_request");
  std::vector<std::string> paths;
  const auto body = r.json();
  for (const auto& d : body.at("error").at("details").as_array()) {
    paths.emplace_back(d.at("path").as_string());
  }
  EXPECT_EQ(paths, (std::vector<std::string>{"username", "password"}));
  expectError(gw.request("POST", "/api/auth/register", R"({"username":"admin"})"), 400,
              "invalid_request");
  expectError(gw.request("POST", "/api/auth/register", R"({"username":5,"password":"x"})"), 400,
              "invalid_request");
  // Nothing was created.
  EXPECT_EQ(gw.request("GET", "/api/auth/status").json(),
            (json::value{{"registration_open", true}}));
}

TEST_F(AuthTest, BadJsonIs400) {
  for (const char* body : {"{not json", "[1,2]", "", "\"str\"", "{\"username\":"}) {
    auto r = gw.request("POST", "/api/auth/login", body);
    expectError(r, 400, "invalid_request");
  }
  const auto token = gw.registerAdmin();
  expectError(gw.authed(token, "POST", "/api/admin/users", "{oops"), 400, "invalid_request");
}

TEST_F(AuthTest, WrongPasswordAndUnknownUserAreTheSame401) {
  gw.registerAdmin();
  auto wrong = gw.request("POST", "/api/auth/login", credentials("admin", "wrong-password"));
  auto unknown = gw.request("POST", "/api/auth/login", credentials("nobody", "password123"));
  expectError(wrong, 401, "unauthorized");
  expectError(unknown, 401, "unauthorized");
  EXPECT_EQ(wrong.json().at("error").at("message"), unknown.json().at("error").at("message"));
}

TEST_F(AuthTest, FiveFailuresLockTheUsernameWithRetryAfter) {
  gw.registerAdmin();
  for (int i = 0; i < 5; ++i) {
    auto r = gw.request("POST", "/api/auth/login", credentials("admin", "wrong-password"));
    ASSERT_EQ(r.status, 401) << "attempt " << i + 1;
  }
  // Locked now, even with the right password.
  auto locked = gw.request("POST", "/api/auth/login", credentials("admin", "password123"));
  expectError(locked, 429, "rate_limit_exceeded");
  const int retry_after = std::stoi(locked.header("retry-after"));
  EXPECT_GT(retry_after, 800);
  EXPECT_LE(retry_after, 901);
  // Another username from the same address is not locked.
  auto other = gw.request("POST", "/api/auth/login", credentials("someone", "password123"));
  EXPECT_EQ(other.status, 401);
}

TEST_F(AuthTest, BadTokensAre401) {
  const auto token = gw.registerAdmin();
  const auto exp = nowSeconds() + 3600;
  const json::object hs256{{"alg", "HS256"}, {"typ", "JWT"}};
  ASSERT_EQ(gw.authed(forge(hs256, kSecret, exp), "GET", "/api/auth/profile").status, 200)
      << "the forging helper must make a valid token, or the refusals below prove nothing";

  std::string tampered_payload = token;
  {
    const auto d1 = token.find('.');
    const auto d2 = token.find('.', d1 + 1);
    const json::object payload{{"sub", "1"}, {"username", "admin"}, {"role", "admin"},
                               {"iat", nowSeconds()}, {"exp", exp + 99999}};
    tampered_payload = token.substr(0, d1 + 1) + b64(json::serialize(payload)) + token.substr(d2);
  }
  std::string tampered_signature = token;
  tampered_signature[token.rfind('.') + 5] ^= 1;
  const auto none_header = b64(R"({"alg":"none","typ":"JWT"})");
  const auto none_token = none_header + token.substr(token.find('.'), token.rfind('.') -
                                                                          token.find('.')) + ".";

  const std::map<std::string, std::string> cases = {
      {"tampered payload", tampered_payload},
      {"tampered signature", tampered_signature},
      {"expired", forge(hs256, kSecret, nowSeconds() - 10)},
      {"alg none", none_token},
      {"alg HS512", forge(json::object{{"alg", "HS512"}, {"typ", "JWT"}}, kSecret, exp)},
      {"alg RS256", forge(json::object{{"alg", "RS256"}, {"typ", "JWT"}}, kSecret, exp)},
      {"other secret", forge(hs256, "some-other-secret-0123456789abcdef", exp)},
      {"garbage", "not-a-token"},
  };
  for (const auto& [what, bad] : cases) {
    auto r = gw.authed(bad, "GET", "/api/auth/profile");
    EXPECT_EQ(r.status, 401) << what << ": " << r.body;
    EXPECT_EQ(r.json().at("error").at("code"), "unauthorized") << what;
  }
  expectError(gw.request("GET", "/api/auth/profile"), 401, "unauthorized");
  expectError(gw.request("GET", "/api/admin/users", {}, {{"Authorization", "Basic abc"}}), 401,
              "unauthorized");
  expectError(gw.request("GET", "/api/admin/providers", {}, {{"Authorization", "Bearer "}}), 401,
              "unauthorized");
}

TEST_F(AuthTest, ViewerCanReadButNotWrite) {
  const auto admin = gw.registerAdmin();
  auto created = gw.authed(admin, "POST", "/api/admin/users",
                           R"({"username":"watcher","password":"viewer-pass-1","role":"viewer"})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.json().at("role"), "viewer");
  auto login = gw.request("POST", "/api/auth/login", credentials("watcher", "viewer-pass-1"));
  ASSERT_EQ(login.status, 200) << login.body;
  EXPECT_EQ(login.json().at("user").at("role"), "viewer");
  const std::string viewer(login.json().at("token").as_string());

  EXPECT_EQ(gw.authed(viewer, "GET", "/api/admin/users").status, 200);
  EXPECT_EQ(gw.authed(viewer, "GET", "/api/admin/providers").status, 200);
  EXPECT_EQ(gw.authed(viewer, "GET", "/api/auth/profile").status, 200);

  const std::vector<std::pair<std::string, std::string>> writes = {
      {"POST", "/api/admin/users"},
      {"DELETE", "/api/admin/users/1"},
      {"POST", "/api/admin/providers"},
      {"PUT", "/api/admin/providers/1"},
      {"DELETE", "/api/admin/providers/1"},
      {"POST", "/api/admin/models"},
      {"POST", "/api/admin/virtual-keys"},
      {"POST", "/api/admin/routing-configs"},
      {"POST", "/api/admin/config/regenerate"},
  };
  for (const auto& [method, path] : writes) {
    auto r = gw.authed(viewer, method, path, R"({"username":"x2x","password":"password123"})");
    EXPECT_EQ(r.status, 403) << method << " " << path << ": " << r.body;
  }
  // Nothing changed.
  auto users = gw.authed(admin, "GET", "/api/admin/users");
  EXPECT_EQ(users.json().at("total"), 2);
}

TEST_F(AuthTest, UsersCrudAndTheLastAdmin) {
  const auto admin = gw.registerAdmin();
  auto list = gw.authed(admin, "GET", "/api/admin/users");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.json().at("total"), 1);
  const auto admin_id = list.json().at("data").at(0).at("id").as_int64();

  expectError(gw.authed(admin, "DELETE", "/api/admin/users/" + std::to_string(admin_id)), 409,
              "conflict");

  auto dup = gw.authed(admin, "POST", "/api/admin/users",
                       R"({"username":"ADMIN","password":"password123"})");
  expectError(dup, 409, "conflict");
  expectError(gw.authed(admin, "POST", "/api/admin/users",
                        R"({"username":"x-user","password":"password123","role":"root"})"),
              400, "invalid_request");

  auto second = gw.authed(admin, "POST", "/api/admin/users",
                          R"({"username":"second","password":"password123","role":"admin"})");
  ASSERT_EQ(second.status, 201);
  const auto second_id = second.json().at("id").as_int64();
  // With two admins the first may go; then the second is the last.
  EXPECT_EQ(gw.authed(admin, "DELETE", "/api/admin/users/" + std::to_string(admin_id)).status,
            204);
  expectError(gw.authed(admin, "DELETE", "/api/admin/users/" + std::to_string(second_id)), 409,
              "conflict");
  expectError(gw.authed(admin, "DELETE", "/api/admin/users/9999"), 404, "not_found");
  expectError(gw.authed(admin, "DELETE", "/api/admin/users/abc"), 404, "not_found");
}

TEST_F(AuthTest, PasswordChange) {
  const auto token = gw.registerAdmin();
  auto wrong = gw.authed(token, "POST", "/api/auth/password",
                         R"({"current_password":"not-it-at-all","new_password":"brand-new-pass"})");
  expectError(wrong, 400, "invalid_request");
  EXPECT_EQ(wrong.json().at("error").at("details").at(0).at("path"), "current_password");
  expectError(gw.authed(token, "POST", "/api/auth/password",
                        R"({"current_password":"password123","new_password":"short"})"),
              400, "invalid_request");
  // The password is unchanged so far.
  ASSERT_EQ(gw.request("POST", "/api/auth/login", credentials("admin", "password123")).status,
            200);

  auto ok = gw.authed(token, "POST", "/api/auth/password",
                      R"({"current_password":"password123","new_password":"brand-new-pass"})");
  ASSERT_EQ(ok.status, 204) << ok.body;
  EXPECT_EQ(gw.request("POST", "/api/auth/login", credentials("admin", "password123")).status,
            401);
  EXPECT_EQ(gw.request("POST", "/api/auth/login", credentials("admin", "brand-new-pass")).status,
            200);
}

}  // namespace
}  // namespace gw::test
