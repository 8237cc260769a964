#include "presets/sync.hpp"

#include <gtest/gtest.h>

#include <deque>

#include "store/sqlite/preset_store.hpp"
#include "unit/presets/fixture.hpp"

namespace gw::presets {
namespace {

/// Answers scripted results in order and records what was asked.
class FakeFetcher final : public Fetcher {
public:
  struct Call {
    std::string url;
    std::string etag;
    std::string last_modified;
  };
  FetchResult fetch(const std::string& url, const std::string& etag,
                    const std::string& last_modified) override {
    calls.push_back({url, etag, last_modified});
    if (answers.empty()) {
      return FetchResult{0, {}, {}, {}, "no scripted answer"};
    }
    auto r = std::move(answers.front());
    answers.pop_front();
    return r;
  }
  std::deque<FetchResult> answers;
  std::vector<Call> calls;
};

constexpr std::string_view kUrl = "http://127.0.0.1:1/prices.json";
constexpr std::string_view kTwoModels = R"({
  "sample_spec": {"mode": "one of ..."},
  "gpt-4o": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 2.5e-06,
             "output_cost_per_token": 1e-05},
  "claude-sonnet-4-5": {"litellm_provider": "anthropic", "mode": "chat",
                        "input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05}
})";

class PresetSyncTest : public ::testing::Test {
protected:
  std::unique_ptr<store::sqlite::Database> db_ = store::sqlite::Database::open(":memory:");
  store::sqlite::SqlitePresetStore store_{*db_};
  FakeFetcher fetcher_;
  FakeClock clock_;
  PresetSync sync_{store_, fetcher_, clock_, std::string(kUrl)};
};

TEST_F(PresetSyncTest, StartsEmptyAndNeedsInitialSync) {
  ASSERT_TRUE(sync_.load());
  EXPECT_TRUE(sync_.needsInitialSync());
  EXPECT_EQ(sync_.index()->size(), 0u);
  auto st = sync_.status();
  ASSERT_TRUE(st);
  EXPECT_EQ(st->last_result, "never");
  EXPECT_EQ(st->count, 0);
}

TEST_F(PresetSyncTest, DownloadThenNotModified) {
  fetcher_.answers.push_back({200, std::string(kTwoModels), "\"v1\"", "Fri, 21 Nov 2025", {}});
  auto first = sync_.syncNow();
  EXPECT_EQ(first.result, "updated");
  EXPECT_EQ(first.count, 2u);
  EXPECT_FALSE(sync_.needsInitialSync());
  ASSERT_EQ(fetcher_.calls.size(), 1u);
  EXPECT_EQ(fetcher_.calls[0].url, kUrl);
  EXPECT_EQ(fetcher_.calls[0].etag, "");  // nothing stored yet: unconditional

  const auto before = sync_.index();
  clock_.advance(std::chrono::hours(24));
  fetcher_.answers.push_back({304, {}, {}, {}, {}});
  auto second = sync_.syncNow();
  EXPECT_EQ(second.result, "not_modified");
  EXPECT_EQ(second.count, 2u);
  ASSERT_EQ(fetcher_.calls.size(), 2u);
  EXPECT_EQ(fetcher_.calls[1].etag, "\"v1\"");
  EXPECT_EQ(fetcher_.calls[1].last_modified, "Fri, 21 Nov 2025");
  EXPECT_EQ(sync_.index(), before);  // same set, not rebuilt

  auto st = sync_.status();
  ASSERT_TRUE(st);
  EXPECT_EQ(st->count, 2);
  EXPECT_EQ(st->last_result, "not_modified");
  EXPECT_EQ(st->source, kUrl);
  EXPECT_EQ(st->last_sync_at, formatRfc3339(clock_.now()));
  EXPECT_EQ(st->updated_at, formatRfc3339(clock_.now() - std::chrono::hours(24)));
}

TEST_F(PresetSyncTest, BrokenJsonKeepsTheOldSetAndSaysWhy) {
  fetcher_.answers.push_back({200, std::string(kTwoModels), "\"v1\"", {}, {}});
  ASSERT_EQ(sync_.syncNow().result, "updated");
  fetcher_.answers.push_back({200, "{\"gpt-4o\": {\"mode\": ", "\"v2\"", {}, {}});
  auto r = sync_.syncNow();
  EXPECT_EQ(r.result, "failed");
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.error.find("malformed JSON"), std::string::npos) << r.error;
  EXPECT_EQ(r.count, 2u);
  EXPECT_NE(sync_.index()->find("gpt-4o"), nullptr);

  auto st = sync_.status();
  ASSERT_TRUE(st);
  EXPECT_EQ(st->count, 2);
  EXPECT_EQ(st->last_result, "failed");
  EXPECT_EQ(st->last_error, r.error);
  EXPECT_EQ(st->etag, "\"v1\"");  // the validators of the good set stay

  // A restart still serves the good set.
  PresetSync restarted(store_, fetcher_, clock_, std::string(kUrl));
  ASSERT_TRUE(restarted.load());
  EXPECT_EQ(restarted.index()->size(), 2u);
}

TEST_F(PresetSyncTest, NetworkErrorAndHttpErrorKeepTheSet) {
  fetcher_.answers.push_back({200, std::string(kTwoModels), {}, {}, {}});
  ASSERT_EQ(sync_.syncNow().result, "updated");
  fetcher_.answers.push_back({0, {}, {}, {}, "connection refused"});
  auto r = sync_.syncNow();
  EXPECT_EQ(r.result, "failed");
  EXPECT_EQ(r.error, "download failed: connection refused");
  fetcher_.answers.push_back({503, "busy", {}, {}, {}});
  r = sync_.syncNow();
  EXPECT_EQ(r.error, "download failed: HTTP 503");
  EXPECT_EQ(sync_.index()->size(), 2u);
  auto st = sync_.status();
  ASSERT_TRUE(st);
  EXPECT_EQ(st->last_error, "download failed: HTTP 503");
  EXPECT_EQ(st->count, 2);
}

TEST_F(PresetSyncTest, SuccessClearsThePreviousError) {
  fetcher_.answers.push_back({0, {}, {}, {}, "timeout"});
  EXPECT_EQ(sync_.syncNow().result, "failed");
  EXPECT_TRUE(sync_.needsInitialSync());
  fetcher_.answers.push_back({200, std::string(kTwoModels), {}, {}, {}});
  EXPECT_EQ(sync_.syncNow().result, "updated");
  auto st = sync_.status();
  ASSERT_TRUE(st);
  EXPECT_EQ(st->last_result, "updated");
  EXPECT_EQ(st->last_error, "");
}

TEST_F(PresetSyncTest, UploadReplacesTheSetAndDropsValidators) {
  fetcher_.answers.push_back({200, std::string(kTwoModels), "\"v1\"", {}, {}});
  ASSERT_EQ(sync_.syncNow().result, "updated");
  auto up = sync_.importFile(testing::readLiteLlmFixture());
  EXPECT_EQ(up.result, "updated");
  EXPECT_EQ(up.count, 1803u);
  EXPECT_EQ(sync_.index()->size(), 1803u);
  auto st = sync_.status();
  ASSERT_TRUE(st);
  EXPECT_EQ(st->source, "upload");
  EXPECT_EQ(st->count, 1803);
  // The next download is unconditional: the stored set did not come from the URL.
  fetcher_.answers.push_back({304, {}, {}, {}, {}});
  (void)sync_.syncNow();
  EXPECT_EQ(fetcher_.calls.back().etag, "");
}

TEST_F(PresetSyncTest, BadUploadKeepsTheSet) {
  ASSERT_EQ(sync_.importFile(kTwoModels).result, "updated");
  auto r = sync_.importFile("not json");
  EXPECT_EQ(r.result, "failed");
  EXPECT_EQ(sync_.index()->size(), 2u);
  r = sync_.importFile("[]");
  EXPECT_EQ(r.result, "failed");
  auto all = store_.loadAll();
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 2u);
}

TEST(PresetStatusJson, HasTheApiFields) {
  store::PresetStatus s;
  s.count = 3;
  s.last_sync_at = "2026-01-01T00:00:00Z";
  s.last_result = "failed";
  s.last_error = "download failed: timeout";
  s.source = std::string(kDefaultPresetsUrl);
  const json::value expected = {
      {"count", 3},
      {"last_sync_at", "2026-01-01T00:00:00Z"},
      {"last_success_at", nullptr},
      {"updated_at", nullptr},
      {"last_result", "failed"},
      {"last_error", "download failed: timeout"},
      {"source", kDefaultPresetsUrl},
      {"etag", ""},
      {"last_modified", ""}};
  EXPECT_EQ(json::value(statusToJson(s)), expected);
}

}  // namespace
}  // namespace gw::presets
