#include <gtest/gtest.h>

#include "store/sqlite/sqlite_store.hpp"
#include "unit/store/store_test_support.hpp"

namespace gw::store::sqlite {
namespace {

ProviderRow provider(std::string name, std::string type = "openai") {
  ProviderRow p;
  p.name = std::move(name);
  p.type = std::move(type);
  p.base_url = "https://api.example.com/v1";
  p.api_key_sealed = "v1:sealed";
  p.api_key_hint = "sk-...abcd";
  p.config = json::object{{"organization", "org-1"}};
  return p;
}

class ProviderStoreTest : public ::testing::Test {
protected:
  StorePtr store = openSqliteStore(":memory:");
  ProviderStore& providers = store->providers();
};

TEST_F(ProviderStoreTest, CreateAndGetRoundTripEveryField) {
  const auto created = providers.create(provider("main"));
  EXPECT_GT(created.id, 0);
  auto got = providers.get(created.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->name, "main");
  EXPECT_EQ(got->type, "openai");
  EXPECT_EQ(got->base_url, "https://api.example.com/v1");
  EXPECT_EQ(got->api_key_sealed, "v1:sealed");
  EXPECT_EQ(got->api_key_hint, "sk-...abcd");
  EXPECT_EQ(json::value(got->config), (json::value{{"organization", "org-1"}}));
  EXPECT_TRUE(got->enabled);
  EXPECT_FALSE(got->created_at.empty());
  EXPECT_EQ(got->model_count, 0);
  EXPECT_EQ(providers.findByName("main")->id, created.id);
  EXPECT_FALSE(providers.findByName("other"));
  EXPECT_FALSE(providers.get(999));
}

TEST_F(ProviderStoreTest, DuplicateNameIsAConstraintError) {
  providers.create(provider("main"));
  test::expectConstraint([&] { providers.create(provider("main", "anthropic")); });
  EXPECT_EQ(providers.all().size(), 1u);
}

TEST_F(ProviderStoreTest, UpdateChangesFields) {
  auto p = providers.create(provider("main"));
  p.name = "renamed";
  p.enabled = false;
  p.config = json::object{{"region", "eu"}};
  const auto updated = providers.update(p);
  EXPECT_EQ(updated.name, "renamed");
  EXPECT_FALSE(updated.enabled);
  EXPECT_EQ(json::value(updated.config), (json::value{{"region", "eu"}}));
  EXPECT_EQ(providers.get(p.id)->name, "renamed");
}

TEST_F(ProviderStoreTest, UpdateToATakenNameIsAConstraintError) {
  providers.create(provider("a"));
  auto b = providers.create(provider("b"));
  b.name = "a";
  test::expectConstraint([&] { providers.update(b); });
  EXPECT_EQ(providers.get(b.id)->name, "b");
}

TEST_F(ProviderStoreTest, UpdateOfAMissingRowThrows) {
  auto ghost = provider("ghost");
  ghost.id = 4242;
  try {
    providers.update(ghost);
    FAIL() << "update of a missing provider returned";
  } catch (const StoreError& e) {
    EXPECT_FALSE(e.constraint());
  }
}

TEST_F(ProviderStoreTest, RemoveAndModelCount) {
  const auto p = providers.create(provider("main"));
  ModelRow m;
  m.provider_id = p.id;
  m.name = "gpt-4o";
  m.model_id = "gpt-4o";
  store->models().create(m);
  EXPECT_EQ(providers.get(p.id)->model_count, 1);
  EXPECT_TRUE(providers.remove(p.id));
  EXPECT_FALSE(providers.remove(p.id));
  EXPECT_FALSE(providers.get(p.id));
  EXPECT_TRUE(store->models().all().empty()) << "models cascade with their provider";
}

TEST_F(ProviderStoreTest, ListFiltersAndPages) {
  for (int i = 0; i < 5; ++i) {
    providers.create(provider("open-" + std::to_string(i)));
  }
  auto off = provider("claude", "anthropic");
  off.enabled = false;
  providers.create(off);
  ListQuery q;
  q.page_size = 2;
  auto page = providers.list(q);
  EXPECT_EQ(page.total, 6);
  ASSERT_EQ(page.rows.size(), 2u);
  EXPECT_EQ(page.rows[0].name, "open-0");
  q.page = 3;
  page = providers.list(q);
  ASSERT_EQ(page.rows.size(), 2u);
  EXPECT_EQ(page.rows[1].name, "claude");

  ListQuery by_type;
  by_type.filters["type"] = "anthropic";
  EXPECT_EQ(providers.list(by_type).total, 1);
  ListQuery disabled;
  disabled.filters["enabled"] = "false";
  page = providers.list(disabled);
  ASSERT_EQ(page.total, 1);
  EXPECT_EQ(page.rows[0].name, "claude");
  ListQuery search;
  search.q = "OPEN-3";
  EXPECT_EQ(providers.list(search).total, 1);
}

TEST_F(ProviderStoreTest, SearchTreatsWildcardsLiterally) {
  providers.create(provider("a_b"));
  providers.create(provider("axb"));
  providers.create(provider("100%"));
  ListQuery q;
  q.q = "a_b";
  EXPECT_EQ(providers.list(q).total, 1);
  q.q = "%";
  EXPECT_EQ(providers.list(q).total, 1);
}

}  // namespace
}  // namespace gw::store::sqlite
