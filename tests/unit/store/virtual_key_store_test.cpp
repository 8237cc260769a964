#include <gtest/gtest.h>

#include "store/sqlite/sqlite_store.hpp"
#include "unit/store/store_test_support.hpp"

namespace gw::store::sqlite {
namespace {

VirtualKeyRow key(std::string name, std::string hash) {
  VirtualKeyRow k;
  k.name = std::move(name);
  k.key_hash = std::move(hash);
  k.key_prefix = "sk-gw-abcd";
  return k;
}

class VirtualKeyStoreTest : public ::testing::Test {
protected:
  StorePtr store = openSqliteStore(":memory:");
  VirtualKeyStore& keys = store->keys();
};

TEST_F(VirtualKeyStoreTest, CreateAndGetRoundTripEveryField) {
  ProviderRow p;
  p.name = "main";
  p.type = "openai";
  const auto provider = store->providers().create(p);
  auto k = key("team-a", "hash-a");
  k.enabled = false;
  k.allowed_models = json::array{"gpt-4o", "claude-*"};
  k.provider_id = provider.id;
  k.rpm_limit = 60;
  k.tpm_limit = 100000;
  k.max_concurrency = 4;
  k.budget_usd = 12.5;
  k.budget_period = "monthly";
  k.expires_at = "2030-01-01T00:00:00Z";
  k.allowed_ips = json::array{"10.0.0.0/8"};
  k.allow_config_header = true;
  const auto got = keys.get(keys.create(k).id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->name, "team-a");
  EXPECT_EQ(got->key_hash, "hash-a");
  EXPECT_EQ(got->key_prefix, "sk-gw-abcd");
  EXPECT_FALSE(got->enabled);
  EXPECT_EQ(json::value(got->allowed_models), (json::value{"gpt-4o", "claude-*"}));
  EXPECT_EQ(got->provider_id, provider.id);
  EXPECT_FALSE(got->routing_config_id);
  EXPECT_EQ(got->rpm_limit, 60);
  EXPECT_EQ(got->tpm_limit, 100000);
  EXPECT_EQ(got->max_concurrency, 4);
  EXPECT_EQ(got->budget_usd, 12.5);
  EXPECT_EQ(got->budget_period, "monthly");
  EXPECT_EQ(got->expires_at, "2030-01-01T00:00:00Z");
  EXPECT_EQ(json::value(got->allowed_ips), (json::value{"10.0.0.0/8"}));
  EXPECT_TRUE(got->allow_config_header);
}

TEST_F(VirtualKeyStoreTest, HashIsUnique) {
  keys.create(key("a", "same"));
  EXPECT_TRUE(keys.hashExists("same"));
  EXPECT_FALSE(keys.hashExists("other"));
  test::expectConstraint([&] { keys.create(key("b", "same")); });
}

TEST_F(VirtualKeyStoreTest, DeletingTheProviderClearsTheBinding) {
  ProviderRow p;
  p.name = "main";
  p.type = "openai";
  const auto provider = store->providers().create(p);
  auto k = key("bound", "h1");
  k.provider_id = provider.id;
  const auto created = keys.create(k);
  store->providers().remove(provider.id);
  const auto got = keys.get(created.id);
  ASSERT_TRUE(got);
  EXPECT_FALSE(got->provider_id);
}

TEST_F(VirtualKeyStoreTest, UnknownRoutingConfigIsAConstraintError) {
  auto k = key("bad", "h2");
  k.routing_config_id = 99;
  test::expectConstraint([&] { keys.create(k); });
}

TEST_F(VirtualKeyStoreTest, UpdateListRemove) {
  auto k = keys.create(key("alpha", "h-alpha"));
  keys.create(key("beta", "h-beta"));
  k.name = "alpha-2";
  k.rpm_limit = 5;
  const auto updated = keys.update(k);
  EXPECT_EQ(updated.name, "alpha-2");
  EXPECT_EQ(updated.rpm_limit, 5);
  ListQuery q;
  q.q = "beta";
  EXPECT_EQ(keys.list(q).total, 1);
  EXPECT_EQ(keys.list({}).total, 2);
  EXPECT_TRUE(keys.remove(k.id));
  EXPECT_FALSE(keys.get(k.id));
  EXPECT_EQ(keys.all().size(), 1u);
  EXPECT_THROW(keys.update(k), StoreError);
}

}  // namespace
}  // namespace gw::store::sqlite
