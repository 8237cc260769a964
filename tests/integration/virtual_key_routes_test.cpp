// Integration tests of /api/admin/virtual-keys: the real App over real sockets.

#include <gtest/gtest.h>

#include <set>

#include "core/crypto.hpp"
#include "integration/test_support.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace gw::test {
namespace {

constexpr const char* kBase = "/api/admin/virtual-keys";
constexpr const char* kSecretKey = "integration-test-secret-key-0123456789";  // TestGateway's

class VirtualKeyRoutes : public ::testing::Test {
protected:
  TestGateway gw;
  std::string token = gw.registerAdmin();

  HttpResponse call(const std::string& method, const std::string& path,
                    const json::value& body = nullptr) {
    return gw.authed(token, method, path, body.is_null() ? std::string() : json::serialize(body));
  }
  std::int64_t count() {
    auto r = call("GET", kBase);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().at("total").as_int64();
  }
  json::object create(const json::object& body) {
    auto r = call("POST", kBase, body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json().as_object();
  }
  /// A stored provider, written through a second connection, then published.
  std::int64_t seedProvider(const std::string& name) {
    auto store = store::sqlite::openSqliteStore((gw.dir().path() / "gateway.db").string());
    store::ProviderRow p;
    p.name = name;
    p.type = "openai";
    p.base_url = "http://127.0.0.1:9/v1";
    p.api_key_sealed = crypto::SecretBox(kSecretKey).seal("sk-upstream");
    const auto id = store->providers().create(p).id;
    EXPECT_EQ(call("POST", "/api/admin/config/regenerate").status, 200);
    return id;
  }
};

std::set<std::string> detailPaths(const HttpResponse& r) {
  std::set<std::string> out;
  const json::value err_doc = r.json();
  const auto& err = err_doc.at("error").as_object();
  if (const auto* details = err.if_contains("details")) {
    for (const auto& d : details->as_array()) {
      out.insert(std::string(d.at("path").as_string()));
    }
  }
  return out;
}

bool hasPathStartingWith(const std::set<std::string>& paths, const std::string& prefix) {
  for (const auto& p : paths) {
    if (p.rfind(prefix, 0) == 0) {
      return true;
    }
  }
  return false;
}

TEST_F(VirtualKeyRoutes, CreateReturnsTheFullKeyOnlyOnce) {
  auto created = create(json::object{{"name", "team-a"}});
  const std::string key(created.at("key").as_string());
  ASSERT_EQ(key.rfind("sk-", 0), 0u);
  EXPECT_GE(key.size(), 3u + 43u);  // 32 random bytes in base62
  const std::string prefix = key.substr(0, 8) + "..." + key.substr(key.size() - 4);
  EXPECT_EQ(created.at("key_prefix"), json::value(prefix));
  EXPECT_EQ(created.at("spent_usd").as_double(), 0.0);
  EXPECT_TRUE(created.at("enabled").as_bool());
  EXPECT_TRUE(created.at("rpm_limit").is_null());

  auto list = call("GET", kBase);
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.body.find(key), std::string::npos);
  const json::value row_doc = list.json();
  const auto& row = row_doc.at("data").as_array().at(0).as_object();
  EXPECT_FALSE(row.contains("key"));
  EXPECT_FALSE(row.contains("key_hash"));
  EXPECT_EQ(row.at("key_prefix"), json::value(prefix));
  EXPECT_EQ(row.at("spent_usd").as_double(), 0.0);

  const auto id = created.at("id").as_int64();
  auto one = call("GET", std::string(kBase) + "/" + std::to_string(id));
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(one.body.find(key), std::string::npos);
  EXPECT_FALSE(one.json().as_object().contains("key"));
  EXPECT_EQ(one.json().at("name"), json::value("team-a"));

  // Two generated keys differ.
  auto other = create(json::object{{"name", "team-b"}});
  EXPECT_NE(other.at("key"), created.at("key"));
}

TEST_F(VirtualKeyRoutes, ListSearchesAndPages) {
  create(json::object{{"name", "alpha"}});
  create(json::object{{"name", "beta"}});
  create(json::object{{"name", "alphabet"}});
  auto r = call("GET", std::string(kBase) + "?q=alpha&page_size=1");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json().at("total").as_int64(), 2);
  EXPECT_EQ(r.json().at("data").as_array().size(), 1u);
}

TEST_F(VirtualKeyRoutes, CustomKeysAreValidated) {
  auto validate = [&](const std::string& key) {
    auto r = call("POST", std::string(kBase) + "/validate", json::object{{"key", key}});
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().as_object();
  };
  auto too_short = validate("sk-short");
  EXPECT_FALSE(too_short.at("valid").as_bool());
  EXPECT_NE(std::string(too_short.at("reason").as_string()).find("20-128"), std::string::npos);

  auto bad_chars = validate("sk-has spaces and $ signs!!");
  EXPECT_FALSE(bad_chars.at("valid").as_bool());
  EXPECT_NE(std::string(bad_chars.at("reason").as_string()).find("letters"), std::string::npos);

  EXPECT_FALSE(validate(std::string(129, 'a')).at("valid").as_bool());

  const std::string custom = "sk-team_custom-key-0123456789";
  auto good = validate(custom);
  EXPECT_TRUE(good.at("valid").as_bool());
  EXPECT_FALSE(good.contains("reason"));

  auto created = create(json::object{{"name", "custom"}, {"key", custom}});
  EXPECT_EQ(created.at("key"), json::value(custom));
  EXPECT_EQ(created.at("key_prefix"), json::value("sk-team_...6789"));

  auto dup = validate(custom);
  EXPECT_FALSE(dup.at("valid").as_bool());
  EXPECT_NE(std::string(dup.at("reason").as_string()).find("in use"), std::string::npos);

  auto again = call("POST", kBase, json::object{{"name", "again"}, {"key", custom}});
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(count(), 1);

  auto bad_create = call("POST", kBase, json::object{{"name", "bad"}, {"key", "tiny"}});
  EXPECT_EQ(bad_create.status, 400);
  EXPECT_EQ(detailPaths(bad_create), std::set<std::string>{"key"});

  auto missing = call("POST", std::string(kBase) + "/validate", json::object{});
  EXPECT_EQ(missing.status, 400);
}

TEST_F(VirtualKeyRoutes, InvalidLimitsAreAllReportedAndNothingIsCreated) {
  ASSERT_EQ(count(), 0);
  json::object body{{"name", "limits"},
                    {"rpm_limit", 0},
                    {"tpm_limit", -5},
                    {"budget_usd", 10},
                    {"budget_period", "yearly"},
                    {"expires_at", "2000-01-01T00:00:00Z"},
                    {"allowed_ips", json::array{"10.0.0.0/33"}}};
  auto r = call("POST", kBase, body);
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.json().at("error").at("code"), json::value("invalid_request"));
  const auto paths = detailPaths(r);
  for (const char* p : {"rpm_limit", "tpm_limit", "budget_period", "expires_at"}) {
    EXPECT_TRUE(paths.contains(p)) << p << " in " << r.body;
  }
  EXPECT_TRUE(hasPathStartingWith(paths, "allowed_ips")) << r.body;
  EXPECT_FALSE(paths.contains("budget_usd"));
  EXPECT_EQ(count(), 0);

  auto no_name = call("POST", kBase, json::object{{"rpm_limit", 5}});
  EXPECT_EQ(no_name.status, 400);
  EXPECT_EQ(detailPaths(no_name), std::set<std::string>{"name"});
  auto long_name = call("POST", kBase, json::object{{"name", std::string(101, 'n')}});
  EXPECT_EQ(long_name.status, 400);
  auto wrong_types = call("POST", kBase,
                          json::object{{"name", "t"}, {"enabled", "yes"},
                                       {"allowed_models", "gpt-4o"}, {"provider_id", "x"}});
  EXPECT_EQ(wrong_types.status, 400);
  const auto wt = detailPaths(wrong_types);
  EXPECT_TRUE(wt.contains("enabled"));
  EXPECT_TRUE(wt.contains("allowed_models"));
  EXPECT_TRUE(wt.contains("provider_id"));
  auto malformed = gw.authed(token, "POST", kBase, "{\"name\":");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(count(), 0);
}

TEST_F(VirtualKeyRoutes, ValidLimitsAreStored) {
  auto created = create(json::object{{"name", "limited"},
                                     {"rpm_limit", 60},
                                     {"tpm_limit", 100000},
                                     {"max_concurrency", 4},
                                     {"budget_usd", 12.5},
                                     {"budget_period", "weekly"},
                                     {"expires_at", "2099-01-01T00:00:00Z"},
                                     {"allowed_ips", json::array{"10.0.0.0/8", "::1"}},
                                     {"allowed_models", json::array{"gpt-4o*"}},
                                     {"allow_config_header", true},
                                     {"enabled", false}});
  EXPECT_EQ(created.at("rpm_limit").as_int64(), 60);
  EXPECT_EQ(created.at("tpm_limit").as_int64(), 100000);
  EXPECT_EQ(created.at("max_concurrency").as_int64(), 4);
  EXPECT_EQ(created.at("budget_usd").as_double(), 12.5);
  EXPECT_EQ(created.at("budget_period"), json::value("weekly"));
  EXPECT_EQ(created.at("expires_at"), json::value("2099-01-01T00:00:00Z"));
  EXPECT_EQ(created.at("allowed_ips"), (json::array{"10.0.0.0/8", "::1"}));
  EXPECT_EQ(created.at("allowed_models"), (json::array{"gpt-4o*"}));
  EXPECT_TRUE(created.at("allow_config_header").as_bool());
  EXPECT_FALSE(created.at("enabled").as_bool());
  EXPECT_EQ(created.at("spent_usd").as_double(), 0.0);
}

TEST_F(VirtualKeyRoutes, PutChangesOnlyTheGivenFields) {
  auto created = create(json::object{{"name", "k"}, {"rpm_limit", 10}, {"budget_usd", 5}});
  const std::string path = std::string(kBase) + "/" + std::to_string(created.at("id").as_int64());

  auto renamed = call("PUT", path, json::object{{"name", "renamed"}});
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(renamed.json().at("name"), json::value("renamed"));
  EXPECT_EQ(renamed.json().at("rpm_limit").as_int64(), 10);
  EXPECT_EQ(renamed.json().at("budget_usd").as_double(), 5.0);
  EXPECT_EQ(renamed.json().at("key_prefix"), created.at("key_prefix"));

  auto cleared = call("PUT", path, json::object{{"rpm_limit", nullptr}, {"tpm_limit", 99}});
  ASSERT_EQ(cleared.status, 200);
  EXPECT_TRUE(cleared.json().at("rpm_limit").is_null());
  EXPECT_EQ(cleared.json().at("tpm_limit").as_int64(), 99);
  EXPECT_EQ(cleared.json().at("name"), json::value("renamed"));

  auto change_key = call("PUT", path, json::object{{"key", "sk-another-custom-key-0123456"}});
  EXPECT_EQ(change_key.status, 400);
  EXPECT_EQ(detailPaths(change_key), std::set<std::string>{"key"});

  auto bad = call("PUT", path, json::object{{"max_concurrency", 0}, {"name", "x"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(detailPaths(bad), std::set<std::string>{"max_concurrency"});
  auto after = call("GET", path);
  EXPECT_EQ(after.json().at("name"), json::value("renamed"));

  auto unknown_provider = call("PUT", path, json::object{{"provider_id", 999}});
  EXPECT_EQ(unknown_provider.status, 400);
  EXPECT_EQ(detailPaths(unknown_provider), std::set<std::string>{"provider_id"});
}

TEST_F(VirtualKeyRoutes, BindingsMustExistAndBeExclusive) {
  auto no_provider = call("POST", kBase, json::object{{"name", "k"}, {"provider_id", 42}});
  EXPECT_EQ(no_provider.status, 400);
  EXPECT_EQ(detailPaths(no_provider), std::set<std::string>{"provider_id"});
  auto no_config = call("POST", kBase, json::object{{"name", "k"}, {"routing_config_id", 42}});
  EXPECT_EQ(no_config.status, 400);
  EXPECT_EQ(detailPaths(no_config), std::set<std::string>{"routing_config_id"});
  EXPECT_EQ(count(), 0);

  const auto provider_id = seedProvider("openai-main");
  auto bound = create(json::object{{"name", "k"}, {"provider_id", provider_id}});
  EXPECT_EQ(bound.at("provider_id").as_int64(), provider_id);

  auto config = call("POST", "/api/admin/routing-configs",
                     json::object{{"name", "c"},
                                  {"config", json::object{{"provider", "openai-main"}}}});
  ASSERT_EQ(config.status, 201) << config.body;
  const auto config_id = config.json().at("id").as_int64();
  auto both = call("POST", kBase,
                   json::object{{"name", "k2"}, {"provider_id", provider_id},
                                {"routing_config_id", config_id}});
  EXPECT_EQ(both.status, 400);
  EXPECT_TRUE(detailPaths(both).contains("routing_config_id"));

  // Switching from the provider to the config in one PUT.
  const std::string path = std::string(kBase) + "/" + std::to_string(bound.at("id").as_int64());
  auto switched = call("PUT", path,
                       json::object{{"provider_id", nullptr}, {"routing_config_id", config_id}});
  ASSERT_EQ(switched.status, 200) << switched.body;
  EXPECT_TRUE(switched.json().at("provider_id").is_null());
  EXPECT_EQ(switched.json().at("routing_config_id").as_int64(), config_id);

  // Deleting the config unbinds the key.
  EXPECT_EQ(call("DELETE", "/api/admin/routing-configs/" + std::to_string(config_id)).status, 204);
  EXPECT_TRUE(call("GET", path).json().at("routing_config_id").is_null());
}

TEST_F(VirtualKeyRoutes, DeleteAndUnknownIds) {
  auto created = create(json::object{{"name", "gone"}});
  const std::string path = std::string(kBase) + "/" + std::to_string(created.at("id").as_int64());
  EXPECT_EQ(call("DELETE", path).status, 204);
  EXPECT_EQ(call("GET", path).status, 404);
  EXPECT_EQ(call("DELETE", path).status, 404);
  EXPECT_EQ(call("PUT", path, json::object{{"name", "x"}}).status, 404);
  EXPECT_EQ(call("GET", std::string(kBase) + "/abc").status, 404);
  EXPECT_EQ(count(), 0);
}

TEST_F(VirtualKeyRoutes, SnapshotFollowsChanges) {
  auto before = call("GET", "/api/admin/config/status").json();
  auto created = create(json::object{{"name", "live"}});
  auto after = call("GET", "/api/admin/config/status").json();
  EXPECT_GT(after.at("version").as_int64(), before.at("version").as_int64());
  EXPECT_EQ(after.at("counts").at("virtual_keys").as_int64(), 1);
  const std::string path = std::string(kBase) + "/" + std::to_string(created.at("id").as_int64());
  ASSERT_EQ(call("PUT", path, json::object{{"enabled", false}}).status, 200);
  EXPECT_EQ(call("GET", "/api/admin/config/status").json().at("counts").at("virtual_keys")
                .as_int64(),
            0);
}

TEST_F(VirtualKeyRoutes, ViewerCanReadButNotWrite) {
  auto created = create(json::object{{"name", "k"}});
  ASSERT_EQ(call("POST", "/api/admin/users",
                 json::object{{"username", "viewer"}, {"password", "password123"},
                              {"role", "viewer"}})
                .status,
            201);
  auto login = gw.request("POST", "/api/auth/login",
                          R"({"username":"viewer","password":"password123"})");
  ASSERT_EQ(login.status, 200);
  const std::string viewer(login.json().at("token").as_string());
  const std::string path = std::string(kBase) + "/" + std::to_string(created.at("id").as_int64());
  EXPECT_EQ(gw.authed(viewer, "GET", kBase).status, 200);
  EXPECT_EQ(gw.authed(viewer, "GET", path).status, 200);
  EXPECT_EQ(gw.authed(viewer, "POST", kBase, R"({"name":"v"})").status, 403);
  EXPECT_EQ(gw.authed(viewer, "PUT", path, R"({"name":"v"})").status, 403);
  EXPECT_EQ(gw.authed(viewer, "DELETE", path).status, 403);
  EXPECT_EQ(gw.authed(viewer, "POST", std::string(kBase) + "/validate", R"({"key":"x"})").status,
            403);
  EXPECT_EQ(gw.request("GET", kBase).status, 401);
  EXPECT_EQ(count(), 1);
}

}  // namespace
}  // namespace gw::test
