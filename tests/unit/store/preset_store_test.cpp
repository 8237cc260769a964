#include "store/sqlite/preset_store.hpp"

#include <gtest/gtest.h>

#include "core/clock.hpp"

namespace gw::store::sqlite {
namespace {

presets::Preset preset(std::string name, double input) {
  presets::Preset p;
  p.name = std::move(name);
  p.provider = "openai";
  p.mode = "chat";
  p.max_input_tokens = 128000;
  p.input_price = input;
  p.capabilities.tools = true;
  p.capabilities.reasoning = true;
  return p;
}

class PresetStoreTest : public ::testing::Test {
protected:
  std::unique_ptr<Database> db_ = Database::open(":memory:");
  SqlitePresetStore store_{*db_};
  FakeClock clock_;
};

TEST_F(PresetStoreTest, FreshDatabaseHasNoPresetsAndNeverSynced) {
  auto all = store_.loadAll();
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->empty());
  auto st = store_.status();
  ASSERT_TRUE(st);
  EXPECT_EQ(st->count, 0);
  EXPECT_EQ(st->last_result, "never");
  EXPECT_FALSE(st->last_sync_at);
}

TEST_F(PresetStoreTest, ReplaceAllRoundTripsEveryField) {
  auto b = preset("b-model", 1.25);
  b.max_output_tokens = 4096;
  b.output_price = 10.0;
  b.cached_input_price = 0.125;
  b.capabilities = {false, true, true, false};
  const std::vector<presets::Preset> in{b, preset("a-model", 2.5)};
  ASSERT_TRUE(store_.replaceAll(in, {"https://x/prices.json", "\"e1\"", "Fri"}, clock_.now()));
  auto all = store_.loadAll();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0], in[1]);  // ordered by name
  EXPECT_EQ((*all)[1], in[0]);
  auto st = store_.status();
  ASSERT_TRUE(st);
  EXPECT_EQ(st->count, 2);
  EXPECT_EQ(st->last_result, "updated");
  EXPECT_EQ(st->etag, "\"e1\"");
  EXPECT_EQ(st->last_modified, "Fri");
  EXPECT_EQ(st->source, "https://x/prices.json");
  EXPECT_EQ(st->updated_at, formatRfc3339(clock_.now()));
}

TEST_F(PresetStoreTest, ReplaceAllDropsTheOldSet) {
  ASSERT_TRUE(store_.replaceAll({preset("old", 1)}, {"upload", "", ""}, clock_.now()));
  ASSERT_TRUE(store_.replaceAll({preset("new", 2)}, {"upload", "", ""}, clock_.now()));
  auto all = store_.loadAll();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].name, "new");
}

TEST_F(PresetStoreTest, FailureKeepsTheSetAndRecordsWhy) {
  ASSERT_TRUE(store_.replaceAll({preset("keep", 1)}, {"u", "\"e\"", ""}, clock_.now()));
  clock_.advance(std::chrono::hours(1));
  ASSERT_TRUE(store_.recordFailure("u", "download failed: timeout", clock_.now()));
  auto st = store_.status();
  ASSERT_TRUE(st);
  EXPECT_EQ(st->count, 1);
  EXPECT_EQ(st->last_result, "failed");
  EXPECT_EQ(st->last_error, "download failed: timeout");
  EXPECT_EQ(st->last_sync_at, formatRfc3339(clock_.now()));
  EXPECT_EQ(st->last_success_at, formatRfc3339(clock_.now() - std::chrono::hours(1)));
  EXPECT_EQ(st->etag, "\"e\"");

  ASSERT_TRUE(store_.recordNotModified(clock_.now()));
  st = store_.status();
  ASSERT_TRUE(st);
  EXPECT_EQ(st->last_result, "not_modified");
  EXPECT_EQ(st->last_error, "");
}

TEST_F(PresetStoreTest, AFailedReplaceLeavesTheOldSetInPlace) {
  ASSERT_TRUE(store_.replaceAll({preset("keep", 1)}, {"u", "", ""}, clock_.now()));
  {
    // Make the next insert fail half-way: a trigger rejects one name.
    auto guard = db_->lock();
    db_->exec(
        "CREATE TRIGGER reject_bad BEFORE INSERT ON presets WHEN NEW.name = 'bad' "
        "BEGIN SELECT RAISE(ABORT, 'rejected'); END;");
  }
  auto r = store_.replaceAll({preset("first", 1), preset("bad", 2)}, {"u", "", ""},
                             clock_.now());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("rejected"), std::string::npos);
  auto all = store_.loadAll();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].name, "keep");
}

}  // namespace
}  // namespace gw::store::sqlite
