#include <gtest/gtest.h>

#include "core/crypto.hpp"
#include "dataplane/snapshot.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace gw::dataplane {
namespace {

/// A store with two providers (one disabled), models, keys with limits and a routing config
/// published as a virtual model.
class SnapshotDocumentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    crypto::initSodium();
    store::ProviderRow p;
    p.name = "openai-main";
    p.type = "openai";
    p.base_url = "https://api.example.com/v1";
    p.api_key_sealed = secrets.seal("sk-secret-main");
    p.config = json::object{{"organization", "org-1"}};
    openai_id = store->providers().create(p).id;
    p.name = "off";
    p.type = "anthropic";
    p.base_url = "";
    p.api_key_sealed = secrets.seal("sk-ant-off");
    p.enabled = false;
    p.config = {};
    store->providers().create(p);

    store::ModelRow m;
    m.provider_id = openai_id;
    m.name = "gpt-4o";
    m.model_id = "gpt-4o-2024-08-06";
    m.input_price = 2.5;
    m.output_price = 10;
    store->models().create(m);
    m.name = "mini";
    m.model_id = "";
    m.input_price.reset();
    store->models().create(m);

    store::VirtualKeyRow k;
    k.name = "limited";
    k.key_hash = crypto::sha256Hex("sk-user-1");
    k.key_prefix = "sk-user...1";
    k.allowed_models = json::array{"gpt-4o*"};
    k.rpm_limit = 60;
    k.max_concurrency = 2;
    k.budget_usd = 5.5;
    k.budget_period = "daily";
    k.expires_at = "2099-01-01T00:00:00Z";
    k.allowed_ips = json::array{"10.0.0.0/8"};
    k.allow_config_header = true;
    store->keys().create(k);
    k.name = "off";
    k.key_hash = crypto::sha256Hex("sk-user-2");
    k.enabled = false;
    k.allowed_ips = {};
    store->keys().create(k);

    store::RoutingConfigRow r;
    r.name = "lb";
    r.virtual_model = "smart";
    r.config = json::value{{"strategy", {{"mode", "loadbalance"}}},
                           {"targets", json::array{{{"provider_id", openai_id}}}}};
    store->routingConfigs().create(r);
  }

  store::StorePtr store = store::sqlite::openSqliteStore(":memory:");
  crypto::SecretBox secrets{"unit-test-secret-key-of-enough-length"};
  std::int64_t openai_id = 0;
};

/// What a snapshot holds, in comparable form.
json::value contents(const Snapshot& s) {
  json::object out;
  json::object providers;
  for (const auto& [id, p] : s.providers) {
    providers[std::to_string(id)] =
        json::object{{"name", p->name},         {"type", p->type},       {"family", p->family},
                     {"base_url", p->base_url}, {"api_key", p->api_key}, {"config", p->config}};
  }
  out["providers"] = std::move(providers);
  json::object models;
  for (const auto& [name, list] : s.models) {
    json::array arr;
    for (const auto& m : list) {
      arr.push_back(json::object{{"id", m.id},
                                 {"model_id", m.model_id},
                                 {"provider", m.provider->id},
                                 {"in", m.input_price ? json::value(*m.input_price) : nullptr},
                                 {"out", m.output_price ? json::value(*m.output_price) : nullptr}});
    }
    models[name] = std::move(arr);
  }
  out["models"] = std::move(models);
  json::object keys;
  for (const auto& [hash, k] : s.keys) {
    json::array allowed;
    for (const auto& m : k.limits.allowed_models) {
      allowed.emplace_back(m);
    }
    keys[hash] = json::object{
        {"id", k.id},
        {"name", k.name},
        {"enabled", k.limits.enabled},
        {"allowed", std::move(allowed)},
        {"rpm", k.limits.rpm_limit ? json::value(*k.limits.rpm_limit) : nullptr},
        {"conc", k.limits.max_concurrency ? json::value(*k.limits.max_concurrency) : nullptr},
        {"budget", k.limits.budget_usd ? json::value(*k.limits.budget_usd) : nullptr},
        {"period", static_cast<int>(k.limits.budget_period)},
        {"expires", k.limits.expires_at.has_value()},
        {"cfg_header", k.allow_config_header}};
  }
  out["keys"] = std::move(keys);
  json::object routes;
  for (const auto& [id, r] : s.routes) {
    routes[std::to_string(id)] =
        json::object{{"name", r.name}, {"children", r.root->children.size()}};
  }
  out["routes"] = std::move(routes);
  json::object vms;
  for (const auto& [name, id] : s.virtual_models) {
    vms[name] = id;
  }
  out["virtual_models"] = std::move(vms);
  out["counts"] = json::array{s.counts.providers, s.counts.models, s.counts.virtual_keys,
                              s.counts.routing_configs};
  out["hash"] = s.hash;
  return out;
}

TEST_F(SnapshotDocumentTest, DocumentCarriesDecryptedCredentialsAndKeyHashes) {
  const auto doc = loadConfigDocument(*store, secrets);
  const auto& providers = doc.at("providers").as_array();
  ASSERT_EQ(providers.size(), 2U);
  EXPECT_EQ(providers[0].at("api_key"), json::value("sk-secret-main"));
  // A disabled provider is not compiled, so its secret does not travel.
  EXPECT_EQ(providers[1].at("api_key"), json::value(""));
  EXPECT_EQ(doc.at("keys").as_array()[0].at("hash"), json::value(crypto::sha256Hex("sk-user-1")));
  EXPECT_TRUE(doc.at("agents").as_array().empty());
  EXPECT_EQ(doc.at("hash"), json::value(documentHash(doc)));
  EXPECT_EQ(doc.at("hash").as_string().size(), 64U);
}

TEST_F(SnapshotDocumentTest, RoundTripThroughTextCompilesTheSameSnapshot) {
  const auto doc = loadConfigDocument(*store, secrets);
  auto direct = compileConfigDocument(doc);
  ASSERT_TRUE(direct) << direct.error().message;
  auto parsed = parseJsonObject(json::serialize(doc));
  ASSERT_TRUE(parsed);
  auto again = compileConfigDocument(*parsed);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(contents(**direct), contents(**again));

  const auto& s = **again;
  EXPECT_EQ(s.counts.providers, 1);
  EXPECT_EQ(s.counts.models, 2);
  EXPECT_EQ(s.counts.virtual_keys, 1);
  EXPECT_EQ(s.counts.routing_configs, 1);
  EXPECT_EQ(s.providers.at(openai_id)->api_key, "sk-secret-main");
  EXPECT_EQ(s.models.at("mini").front().model_id, "mini");
  EXPECT_EQ(s.by_upstream.count(upstreamKey(openai_id, "gpt-4o-2024-08-06")), 1U);
  const auto& key = s.keys.at(crypto::sha256Hex("sk-user-1"));
  EXPECT_EQ(key.limits.budget_period, governance::BudgetPeriod::Daily);
  EXPECT_TRUE(key.limits.modelAllowed("gpt-4o-mini"));
  EXPECT_FALSE(key.limits.modelAllowed("claude"));
  EXPECT_FALSE(s.keys.at(crypto::sha256Hex("sk-user-2")).limits.enabled);
  EXPECT_EQ(s.virtual_models.at("smart"), s.routes.begin()->first);
  EXPECT_EQ(s.hash, std::string(doc.at("hash").as_string()));
  ASSERT_TRUE(s.document);
  EXPECT_EQ(json::parse(*s.document), json::value(doc));
}

TEST_F(SnapshotDocumentTest, RebuildPublishesIncreasingVersionsWithTheDocument) {
  SnapshotService service(*store, secrets);
  int published = 0;
  service.onPublish([&published](const Snapshot&) { ++published; });
  const auto first = service.rebuild();
  const auto second = service.rebuild();
  EXPECT_EQ(second->version, first->version + 1);
  EXPECT_EQ(service.version(), second->version);
  EXPECT_EQ(service.current(), second);
  EXPECT_EQ(first->hash, second->hash);
  EXPECT_EQ(published, 2);
  auto compiled = compileConfigDocument(loadConfigDocument(*store, secrets));
  ASSERT_TRUE(compiled);
  EXPECT_EQ(contents(*second), contents(**compiled));
}

TEST(SnapshotServiceWithoutStore, PublishesDocumentsAndKeepsTheLastGoodOne) {
  SnapshotService service;
  EXPECT_EQ(service.version(), 0U);
  json::object doc{{"providers", json::array{}},
                   {"models", json::array{}},
                   {"keys", json::array{}},
                   {"routing_configs", json::array{}}};
  auto first = service.publishDocument(doc);
  ASSERT_TRUE(first);
  EXPECT_EQ((*first)->version, 1U);
  EXPECT_EQ((*first)->hash, documentHash(doc));
  doc["models"] = 3;
  auto bad = service.publishDocument(doc);
  ASSERT_FALSE(bad);
  EXPECT_EQ(service.version(), 1U);
  EXPECT_EQ(service.current(), *first);
  EXPECT_THROW(service.rebuild(), std::logic_error);
}

TEST(CompileConfigDocument, ErrorsNameEveryBadPath) {
  auto doc = json::parse(R"({
    "providers": [{"id": 1, "name": "p", "type": "openai", "api_key": "k"},
                  {"id": "two", "name": "q", "type": 5}],
    "models": [7],
    "keys": [{"id": 1, "hash": "h", "allowed_models": ["a", 3]}],
    "agents": [{"id": 1, "name": "eu", "rules": {"regions": "eu"}}]
  })")
                 .as_object();
  auto r = compileConfigDocument(doc);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InvalidRequest);
  EXPECT_EQ(r.error().param, "providers[1].id");
  const auto& m = r.error().message;
  for (const char* path :
       {"providers[1].id: must be an integer", "providers[1].type: must be a string",
        "models[0]: must be an object", "keys[0].allowed_models[1]: must be a string",
        "routing_configs: missing", "agents[0].rules.regions: must be an array"}) {
    EXPECT_NE(m.find(path), std::string::npos) << path << " not in: " << m;
  }
}

TEST(CompileConfigDocument, AgentsSortedByPriorityThenId) {
  auto doc = json::parse(R"({
    "providers": [], "models": [], "keys": [], "routing_configs": [],
    "agents": [
      {"id": 1, "name": "b", "region": "us", "kind": "portkey", "endpoint": "http://b",
       "enabled": true, "priority": 5, "rules": {"models": ["gpt-*"]}},
      {"id": 2, "name": "a", "region": "eu", "kind": "gateway", "endpoint": null,
       "enabled": false, "priority": 0, "rules": {"models": [], "providers": ["x"],
       "regions": ["eu"]}}
    ]})")
                 .as_object();
  auto r = compileConfigDocument(doc);
  ASSERT_TRUE(r) << r.error().message;
  const auto& agents = (*r)->agents;
  ASSERT_EQ(agents.size(), 2U);
  EXPECT_EQ(agents[0].name, "a");
  EXPECT_FALSE(agents[0].enabled);
  EXPECT_EQ(agents[0].endpoint, "");
  EXPECT_EQ(agents[0].rules.regions, std::vector<std::string>{"eu"});
  EXPECT_EQ(agents[1].kind, "portkey");
  EXPECT_EQ(agents[1].rules.models, std::vector<std::string>{"gpt-*"});
}

}  // namespace
}  // namespace gw::dataplane
