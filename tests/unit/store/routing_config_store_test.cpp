#include <gtest/gtest.h>

#include "store/sqlite/sqlite_store.hpp"
#include "unit/store/store_test_support.hpp"

namespace gw::store::sqlite {
namespace {

RoutingConfigRow config(std::string name, std::optional<std::string> virtual_model = {}) {
  RoutingConfigRow r;
  r.name = std::move(name);
  r.description = "desc";
  r.virtual_model = std::move(virtual_model);
  r.config = json::value{{"strategy", {{"mode", "fallback"}}},
                         {"targets", json::array{{{"provider_id", 1}}, {{"provider_id", 2}}}}};
  return r;
}

class RoutingConfigStoreTest : public ::testing::Test {
protected:
  StorePtr store = openSqliteStore(":memory:");
  RoutingConfigStore& configs = store->routingConfigs();
};

TEST_F(RoutingConfigStoreTest, CreateAndGetKeepTheConfigTree) {
  const auto created = configs.create(config("fb", "smart-model"));
  const auto got = configs.get(created.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->name, "fb");
  EXPECT_EQ(got->description, "desc");
  EXPECT_EQ(got->virtual_model, "smart-model");
  EXPECT_TRUE(got->enabled);
  EXPECT_EQ(got->config, config("x").config);
}

TEST_F(RoutingConfigStoreTest, NameAndVirtualModelAreUnique) {
  configs.create(config("one", "vm"));
  configs.create(config("two"));  // no virtual model
  configs.create(config("three"));  // NULLs do not collide
  for (auto dup : {config("one"), config("four", "vm")}) {
    test::expectConstraint([&] { configs.create(dup); }, dup.name);
  }
}

TEST_F(RoutingConfigStoreTest, UpdateListRemove) {
  auto c = configs.create(config("one"));
  c.enabled = false;
  c.config = json::value{{"strategy", {{"mode", "single"}}}};
  c.virtual_model = "vm";
  const auto updated = configs.update(c);
  EXPECT_FALSE(updated.enabled);
  EXPECT_EQ(updated.virtual_model, "vm");
  EXPECT_EQ(updated.config, c.config);
  configs.create(config("other"));
  ListQuery q;
  q.q = "vm";
  EXPECT_EQ(configs.list(q).total, 1);
  EXPECT_TRUE(configs.remove(c.id));
  EXPECT_FALSE(configs.remove(c.id));
  EXPECT_THROW(configs.update(c), StoreError);
}

TEST_F(RoutingConfigStoreTest, SettingsUpsert) {
  auto& settings = store->settings();
  EXPECT_FALSE(settings.get("theme"));
  settings.set("theme", "dark");
  settings.set("theme", "light");
  EXPECT_EQ(settings.get("theme"), "light");
}

}  // namespace
}  // namespace gw::store::sqlite
