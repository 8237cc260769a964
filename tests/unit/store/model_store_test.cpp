#include <gtest/gtest.h>

#include "store/sqlite/sqlite_store.hpp"
#include "unit/store/store_test_support.hpp"

namespace gw::store::sqlite {
namespace {

class ModelStoreTest : public ::testing::Test {
protected:
  ModelStoreTest() {
    ProviderRow p;
    p.name = "openai-main";
    p.type = "openai";
    provider_id = store->providers().create(p).id;
    p.name = "anthropic-main";
    p.type = "anthropic";
    other_provider_id = store->providers().create(p).id;
  }

  ModelRow model(std::string name, std::int64_t provider = 0) {
    ModelRow m;
    m.provider_id = provider ? provider : provider_id;
    m.name = name;
    m.model_id = "upstream-" + name;
    return m;
  }

  StorePtr store = openSqliteStore(":memory:");
  ModelStore& models = store->models();
  std::int64_t provider_id = 0;
  std::int64_t other_provider_id = 0;
};

TEST_F(ModelStoreTest, CreateAndGetRoundTripEveryField) {
  auto m = model("gpt-4o");
  m.mode = "chat";
  m.context_window = 128000;
  m.max_output_tokens = 16384;
  m.input_price = 2.5;
  m.output_price = 10.0;
  m.cached_input_price = 1.25;
  m.capabilities = json::object{{"tools", true}, {"vision", true}};
  const auto created = models.create(m);
  auto got = models.get(created.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->provider_id, provider_id);
  EXPECT_EQ(got->provider_name, "openai-main");
  EXPECT_EQ(got->name, "gpt-4o");
  EXPECT_EQ(got->model_id, "upstream-gpt-4o");
  EXPECT_EQ(got->context_window, 128000);
  EXPECT_EQ(got->max_output_tokens, 16384);
  EXPECT_EQ(got->input_price, 2.5);
  EXPECT_EQ(got->output_price, 10.0);
  EXPECT_EQ(got->cached_input_price, 1.25);
  EXPECT_EQ(json::value(got->capabilities), (json::value{{"tools", true}, {"vision", true}}));
  EXPECT_TRUE(got->enabled);
}

TEST_F(ModelStoreTest, OptionalFieldsStayEmpty) {
  const auto got = models.get(models.create(model("bare")).id);
  ASSERT_TRUE(got);
  EXPECT_FALSE(got->context_window);
  EXPECT_FALSE(got->input_price);
}

TEST_F(ModelStoreTest, SameNameUnderOneProviderIsAConstraintError) {
  models.create(model("gpt-4o"));
  models.create(model("gpt-4o", other_provider_id));  // another provider: fine
  test::expectConstraint([&] { models.create(model("gpt-4o")); });
}

TEST_F(ModelStoreTest, UnknownProviderIsAConstraintError) {
  test::expectConstraint([&] { models.create(model("orphan", 999)); });
}

TEST_F(ModelStoreTest, UpdateAndRemove) {
  auto m = models.create(model("gpt-4o"));
  m.enabled = false;
  m.input_price = std::nullopt;
  m.model_id = "gpt-4o-2024-08-06";
  const auto updated = models.update(m);
  EXPECT_FALSE(updated.enabled);
  EXPECT_EQ(updated.model_id, "gpt-4o-2024-08-06");
  EXPECT_EQ(updated.created_at, m.created_at);
  EXPECT_TRUE(models.remove(m.id));
  EXPECT_FALSE(models.remove(m.id));
  m.id = 777;
  EXPECT_THROW(models.update(m), StoreError);
}

TEST_F(ModelStoreTest, CreateManySkipsExisting) {
  models.create(model("a"));
  const int created = models.createMany({model("a"), model("b"), model("c")});
  EXPECT_EQ(created, 2);
  EXPECT_EQ(models.all().size(), 3u);
}

TEST_F(ModelStoreTest, ListFilters) {
  auto vision = model("vision-one");
  vision.capabilities = json::object{{"vision", true}};
  models.create(vision);
  auto embed = model("embed-one");
  embed.mode = "embedding";
  models.create(embed);
  models.create(model("claude", other_provider_id));
  ListQuery q;
  EXPECT_EQ(models.list(q).total, 3);
  q.filters["provider_id"] = std::to_string(other_provider_id);
  auto page = models.list(q);
  ASSERT_EQ(page.total, 1);
  EXPECT_EQ(page.rows[0].name, "claude");
  ListQuery by_mode;
  by_mode.filters["mode"] = "embedding";
  EXPECT_EQ(models.list(by_mode).total, 1);
  ListQuery by_cap;
  by_cap.filters["capability"] = "vision";
  EXPECT_EQ(models.list(by_cap).total, 1);
  ListQuery sorted;
  sorted.sort = "name";
  sorted.descending = true;
  EXPECT_EQ(models.list(sorted).rows.front().name, "vision-one");
}

}  // namespace
}  // namespace gw::store::sqlite
