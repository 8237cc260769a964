// Integration tests of /api/admin/routing-configs and /api/admin/health/targets.

#include <gtest/gtest.h>

#include <set>

#include "core/crypto.hpp"
#include "integration/test_support.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace gw::test {
namespace {

constexpr const char* kBase = "/api/admin/routing-configs";
constexpr const char* kSecretKey = "integration-test-secret-key-0123456789";  // TestGateway's

json::value parse(const char* text) { return json::parse(text); }

class RoutingConfigRoutes : public ::testing::Test {
protected:
  void SetUp() override {
    // Providers and a model written through a second connection, then published.
    auto store = store::sqlite::openSqliteStore((gw.dir().path() / "gateway.db").string());
    for (const char* name : {"openai-main", "openai-backup"}) {
      store::ProviderRow p;
      p.name = name;
      p.type = "openai";
      p.base_url = "http://127.0.0.1:9/v1";
      p.api_key_sealed = crypto::SecretBox(kSecretKey).seal("sk-upstream-secret");
      provider_ids.push_back(store->providers().create(p).id);
    }
    store::ModelRow m;
    m.provider_id = provider_ids[0];
    m.name = "gpt-4o";
    m.model_id = "gpt-4o";
    store->models().create(m);
    ASSERT_EQ(call("POST", "/api/admin/config/regenerate").status, 200);
  }

  HttpResponse call(const std::string& method, const std::string& path,
                    const json::value& body = nullptr) {
    return gw.authed(token, method, path, body.is_null() ? std::string() : json::serialize(body));
  }
  std::int64_t count() { return call("GET", kBase).json().at("total").as_int64(); }

  TestGateway gw;
  std::string token = gw.registerAdmin();
  std::vector<std::int64_t> provider_ids;
};

std::set<std::string> detailPaths(const HttpResponse& r) {
  std::set<std::string> out;
  const json::value r_doc = r.json();
  if (const auto* details = r_doc.at("error").as_object().if_contains("details")) {
    for (const auto& d : details->as_array()) {
      out.insert(std::string(d.at("path").as_string()));
    }
  }
  return out;
}

const json::value kFallback = parse(R"({
  "strategy": {"mode": "fallback", "on_status_codes": [429, 500]},
  "targets": [
    {"provider": "openai-main"},
    {"virtual_key": "openai-backup", "override_params": {"model": "gpt-4o-mini"}}
  ]
})");

TEST_F(RoutingConfigRoutes, ValidFallbackConfigIsSaved) {
  json::object body{{"name", "prod"}, {"description", "main then backup"},
                    {"virtual_model", "smart"}, {"config", kFallback}};
  auto r = call("POST", kBase, body);
  ASSERT_EQ(r.status, 201) << r.body;
  const json::value o_doc = r.json();
  const auto& o = o_doc.as_object();
  EXPECT_EQ(o.at("name"), json::value("prod"));
  EXPECT_EQ(o.at("description"), json::value("main then backup"));
  EXPECT_EQ(o.at("virtual_model"), json::value("smart"));
  EXPECT_TRUE(o.at("enabled").as_bool());
  EXPECT_EQ(o.at("config"), kFallback);
  EXPECT_TRUE(o.at("created_at").is_string());

  const std::string path = std::string(kBase) + "/" + std::to_string(o.at("id").as_int64());
  auto one = call("GET", path);
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(one.json().at("config"), kFallback);
  auto list = call("GET", kBase);
  EXPECT_EQ(list.json().at("total").as_int64(), 1);
  EXPECT_EQ(list.json().at("data").as_array().at(0).at("name"), json::value("prod"));

  auto status = call("GET", "/api/admin/config/status").json();
  EXPECT_EQ(status.at("counts").at("routing_configs").as_int64(), 1);
}

TEST_F(RoutingConfigRoutes, InvalidConfigsAreRefusedWithPaths) {
  struct Case {
    const char* name;
    const char* config;
    const char* path;
  };
  const Case cases[] = {
      {"unknown provider", R"({"strategy":{"mode":"fallback"},
          "targets":[{"provider":"openai-main"},{"provider":"nope-provider"}]})",
       "targets[1].provider"},
      {"negative weight", R"({"strategy":{"mode":"loadbalance"},
          "targets":[{"provider":"openai-main","weight":1},{"provider":"openai-backup","weight":-1}]})",
       "targets[1].weight"},
      {"unknown mode", R"({"strategy":{"mode":"roundrobin"},"targets":[{"provider":"openai-main"}]})",
       "strategy.mode"},
      {"bad operator", R"({"strategy":{"mode":"conditional",
          "conditions":[{"query":{"metadata.plan":{"$foo":"pro"}},"then":"a"}],"default":"a"},
          "targets":[{"name":"a","provider":"openai-main"}]})",
       "strategy.conditions[0]"},
  };
  for (const auto& c : cases) {
    json::object body{{"name", c.name}, {"config", json::parse(c.config)}};
    auto r = call("POST", kBase, body);
    ASSERT_EQ(r.status, 400) << c.name << ": " << r.body;
    const auto paths = detailPaths(r);
    bool found = false;
    for (const auto& p : paths) {
      found = found || p.rfind(c.path, 0) == 0;
    }
    EXPECT_TRUE(found) << c.name << ": " << r.body;
    EXPECT_NE(std::string(r.json().at("error").at("message").as_string()).find(c.path),
              std::string::npos)
        << r.body;
  }
  EXPECT_EQ(count(), 0);

  // Every problem of a kind is reported at once (shape problems come before references).
  json::object shape{{"name", "two"},
                     {"config", parse(R"({"strategy":{"mode":"loadbalance"},
                         "targets":[{"provider":"openai-main","weight":-2},
                                    {"provider":"openai-main","weight":-1}]})")}};
  auto r = call("POST", kBase, shape);
  ASSERT_EQ(r.status, 400);
  EXPECT_EQ(detailPaths(r), (std::set<std::string>{"targets[0].weight", "targets[1].weight"}))
      << r.body;
  json::object refs{{"name", "refs"},
                    {"config", parse(R"({"strategy":{"mode":"fallback"},
                         "targets":[{"provider":"ghost"},{"virtual_key":"phantom"}]})")}};
  auto r2 = call("POST", kBase, refs);
  ASSERT_EQ(r2.status, 400);
  EXPECT_EQ(detailPaths(r2),
            (std::set<std::string>{"targets[0].provider", "targets[1].virtual_key"}))
      << r2.body;

  // Body-level problems.
  EXPECT_EQ(call("POST", kBase, json::object{{"name", "x"}}).status, 400);
  auto not_object = call("POST", kBase, json::object{{"name", "x"}, {"config", "fallback"}});
  EXPECT_EQ(not_object.status, 400);
  EXPECT_EQ(detailPaths(not_object), std::set<std::string>{"config"});
  auto no_name = call("POST", kBase, json::object{{"config", kFallback}});
  EXPECT_EQ(detailPaths(no_name), std::set<std::string>{"name"});
  EXPECT_EQ(count(), 0);
}

TEST_F(RoutingConfigRoutes, ValidateEndpoint) {
  auto ok = call("POST", std::string(kBase) + "/validate", json::object{{"config", kFallback}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json(), parse(R"({"valid":true,"errors":[]})"));

  auto bad = call("POST", std::string(kBase) + "/validate",
                  json::object{{"config", parse(R"({"strategy":{"mode":"fallback"},
                      "targets":[{"provider_id":9999}]})")}});
  ASSERT_EQ(bad.status, 200);
  EXPECT_FALSE(bad.json().at("valid").as_bool());
  const json::value errors_doc = bad.json();
  const auto& errors = errors_doc.at("errors").as_array();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors.at(0).at("path"), json::value("targets[0].provider_id"));
  EXPECT_TRUE(errors.at(0).at("message").is_string());

  EXPECT_EQ(call("POST", std::string(kBase) + "/validate", json::object{}).status, 400);
  EXPECT_EQ(count(), 0);
}

TEST_F(RoutingConfigRoutes, NameAndVirtualModelClashes) {
  ASSERT_EQ(call("POST", kBase,
                 json::object{{"name", "a"}, {"virtual_model", "smart"}, {"config", kFallback}})
                .status,
            201);
  auto same_name = call("POST", kBase, json::object{{"name", "a"}, {"config", kFallback}});
  EXPECT_EQ(same_name.status, 409);
  auto same_vm = call("POST", kBase, json::object{{"name", "b"}, {"virtual_model", "smart"},
                                                  {"config", kFallback}});
  EXPECT_EQ(same_vm.status, 409);
  EXPECT_EQ(detailPaths(same_vm), std::set<std::string>{"virtual_model"});
  auto model_name = call("POST", kBase, json::object{{"name", "c"}, {"virtual_model", "gpt-4o"},
                                                     {"config", kFallback}});
  EXPECT_EQ(model_name.status, 409) << model_name.body;
  EXPECT_EQ(detailPaths(model_name), std::set<std::string>{"virtual_model"});
  EXPECT_EQ(count(), 1);
}

TEST_F(RoutingConfigRoutes, PutValidatesAndDeleteRemoves) {
  auto created = call("POST", kBase, json::object{{"name", "p"}, {"config", kFallback}});
  ASSERT_EQ(created.status, 201);
  const std::string path =
      std::string(kBase) + "/" + std::to_string(created.json().at("id").as_int64());

  auto renamed = call("PUT", path, json::object{{"name", "p2"}, {"enabled", false}});
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(renamed.json().at("name"), json::value("p2"));
  EXPECT_FALSE(renamed.json().at("enabled").as_bool());
  EXPECT_EQ(renamed.json().at("config"), kFallback);

  auto bad = call("PUT", path,
                  json::object{{"config", parse(R"({"provider":"nope","weight":-1})")}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(call("GET", path).json().at("config"), kFallback);

  // A config that embeds itself is a cycle.
  json::object self{{"config", json::object{{"strategy", json::object{{"mode", "fallback"}}},
                                            {"targets", json::array{json::object{
                                                            {"config_id",
                                                             created.json().at("id")}}}}}}};
  EXPECT_EQ(call("PUT", path, self).status, 400);

  EXPECT_EQ(call("PUT", std::string(kBase) + "/999", json::object{{"name", "z"}}).status, 404);
  EXPECT_EQ(call("DELETE", path).status, 204);
  EXPECT_EQ(call("GET", path).status, 404);
  EXPECT_EQ(call("DELETE", path).status, 404);
  EXPECT_EQ(count(), 0);
}

TEST_F(RoutingConfigRoutes, ExportUsesPortkeyTargets) {
  json::object inner{{"name", "inner"},
                     {"config", json::object{{"provider_id", provider_ids[1]}}}};
  auto inner_r = call("POST", kBase, inner);
  ASSERT_EQ(inner_r.status, 201) << inner_r.body;
  const auto inner_id = inner_r.json().at("id").as_int64();
  json::object outer{
      {"name", "outer"},
      {"virtual_model", "smart"},
      {"config",
       json::object{{"strategy", json::object{{"mode", "fallback"}}},
                    {"targets", json::array{json::object{{"provider_id", provider_ids[0]},
                                                         {"retry", json::object{{"attempts", 2}}}},
                                            json::object{{"provider", "@openai-backup"}},
                                            json::object{{"config_id", inner_id}}}}}}};
  ASSERT_EQ(call("POST", kBase, outer).status, 201);

  auto r = call("GET", std::string(kBase) + "/export");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body.find("sk-upstream-secret"), std::string::npos);
  const json::value configs_doc = r.json();
  const auto& configs = configs_doc.at("configs").as_array();
  ASSERT_EQ(configs.size(), 2u);
  const auto& exported = configs.at(1).as_object();
  EXPECT_EQ(exported.at("name"), json::value("outer"));
  EXPECT_EQ(exported.at("virtual_model"), json::value("smart"));
  EXPECT_EQ(exported.at("config"), parse(R"({
    "strategy": {"mode": "fallback"},
    "targets": [
      {"virtual_key": "openai-main", "retry": {"attempts": 2}},
      {"virtual_key": "openai-backup"},
      {"virtual_key": "openai-backup"}
    ]
  })"));
}

TEST_F(RoutingConfigRoutes, TargetHealthListsBreakers) {
  auto r = call("GET", "/api/admin/health/targets");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json().at("data").is_array());
}

}  // namespace
}  // namespace gw::test
