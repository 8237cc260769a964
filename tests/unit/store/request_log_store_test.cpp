#include "store/sqlite/request_log_store.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "core/clock.hpp"

namespace gw::store::sqlite {
namespace {

using namespace std::chrono_literals;
using std::chrono::system_clock;

system_clock::time_point at(std::string_view rfc3339) {
  system_clock::time_point t;
  EXPECT_TRUE(parseRfc3339(rfc3339, t)) << rfc3339;
  return t;
}

UsageRecord record(system_clock::time_point t, int status, std::int64_t latency,
                   std::int64_t key = 1, std::string model = "gpt-4o", std::int64_t provider = 10) {
  UsageRecord r;
  r.time = t;
  r.request_id = "req-" + std::to_string(latency);
  r.key_id = key;
  r.key_name = "key-" + std::to_string(key);
  r.model = std::move(model);
  r.provider_id = provider;
  r.provider_name = "prov-" + std::to_string(provider);
  r.status = status;
  r.latency_ms = latency;
  r.ttfb_ms = latency / 2;
  r.prompt_tokens = 100;
  r.completion_tokens = 20;
  r.cached_tokens = 5;
  r.cost_usd = 0.01;
  r.attempts = 1;
  r.route_path = "single";
  r.stream = status == 200;
  if (status >= 400) {
    r.error = "upstream said no";
  }
  return r;
}

class RequestLogStoreTest : public ::testing::Test {
protected:
  void insert(const std::vector<UsageRecord>& rows) {
    auto r = store_.insertBatch(rows);
    ASSERT_TRUE(r) << r.error().message;
  }
  std::unique_ptr<Database> db_ = Database::open(":memory:");
  RequestLogStore store_{*db_};
};

TEST_F(RequestLogStoreTest, InsertsAndListsNewestFirstWithPaging) {
  const auto t0 = at("2026-04-01T10:00:00Z");
  std::vector<UsageRecord> rows;
  for (int i = 0; i < 25; ++i) {
    rows.push_back(record(t0 + std::chrono::minutes(i), 200, i + 1));
  }
  insert(rows);
  LogFilter f;
  auto page1 = store_.list(f);
  ASSERT_TRUE(page1) << page1.error().message;
  EXPECT_EQ(page1->total, 25);
  ASSERT_EQ(page1->data.size(), 20u);
  EXPECT_EQ(page1->data[0].at("latency_ms"), json::value(25));
  f.page = 2;
  auto page2 = store_.list(f);
  ASSERT_TRUE(page2);
  ASSERT_EQ(page2->data.size(), 5u);
  EXPECT_EQ(page2->data[4].at("latency_ms"), json::value(1));
  const json::value expected = {{"id", 1},
                                {"time", "2026-04-01T10:00:00Z"},
                                {"request_id", "req-1"},
                                {"key_id", 1},
                                {"key_name", "key-1"},
                                {"model", "gpt-4o"},
                                {"provider_id", 10},
                                {"provider_name", "prov-10"},
                                {"status", 200},
                                {"latency_ms", 1},
                                {"ttfb_ms", 0},
                                {"overhead_ms", 0.0},
                                {"prompt_tokens", 100},
                                {"completion_tokens", 20},
                                {"cached_tokens", 5},
                                {"cost_usd", 0.01},
                                {"attempts", 1},
                                {"route_path", "single"},
                                {"stream", true},
                                {"error", nullptr},
                                {"agent", nullptr}};
  EXPECT_EQ(json::value(page2->data[4]), expected);
}

TEST_F(RequestLogStoreTest, Filters) {
  const auto t0 = at("2026-04-01T10:00:00Z");
  insert({record(t0, 200, 1, 1, "gpt-4o", 10), record(t0 + 1min, 429, 2, 2, "gpt-4o", 10),
          record(t0 + 2min, 502, 3, 1, "claude", 11), record(t0 + 3min, 200, 4, 2, "claude", 11)});
  auto ids = [&](LogFilter f) {
    std::vector<std::int64_t> out;
    auto page = store_.list(f);
    EXPECT_TRUE(page);
    for (const auto& row : page->data) {
      out.push_back(row.at("latency_ms").as_int64());
    }
    return out;
  };
  LogFilter f;
  f.key_id = 1;
  EXPECT_EQ(ids(f), (std::vector<std::int64_t>{3, 1}));
  f = {};
  f.model = "claude";
  EXPECT_EQ(ids(f), (std::vector<std::int64_t>{4, 3}));
  f = {};
  f.provider_id = 10;
  EXPECT_EQ(ids(f), (std::vector<std::int64_t>{2, 1}));
  f = {};
  f.status = *StatusFilter::parse("error");
  EXPECT_EQ(ids(f), (std::vector<std::int64_t>{3, 2}));
  f.status = *StatusFilter::parse("success");
  EXPECT_EQ(ids(f), (std::vector<std::int64_t>{4, 1}));
  f.status = *StatusFilter::parse("429");
  EXPECT_EQ(ids(f), (std::vector<std::int64_t>{2}));
  f = {};
  f.range = {t0 + 1min, t0 + 3min};
  EXPECT_EQ(ids(f), (std::vector<std::int64_t>{3, 2}));
  f.key_id = 2;
  f.status = *StatusFilter::parse("error");
  EXPECT_EQ(ids(f), (std::vector<std::int64_t>{2}));
}

TEST_F(RequestLogStoreTest, AgentColumnIsWrittenListedAndFiltered) {
  const auto t0 = at("2026-04-01T10:00:00Z");
  auto remote = record(t0 + 1min, 200, 2);
  remote.agent = "eu-west";
  insert({record(t0, 200, 1), remote});
  LogFilter f;
  f.agent = "eu-west";
  auto page = store_.list(f);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->data.size(), 1u);
  EXPECT_EQ(page->data[0].at("agent"), json::value("eu-west"));
  EXPECT_EQ(page->data[0].at("latency_ms"), json::value(2));
  auto all = store_.list(LogFilter{});
  ASSERT_TRUE(all);
  EXPECT_EQ(all->data[1].at("agent"), json::value(nullptr));
}

TEST(StatusFilter, Parses) {
  EXPECT_EQ(StatusFilter::parse("")->kind, StatusFilter::Kind::Any);
  EXPECT_EQ(StatusFilter::parse("503")->code, 503);
  EXPECT_FALSE(StatusFilter::parse("fail"));
  EXPECT_FALSE(StatusFilter::parse("42"));
  EXPECT_FALSE(StatusFilter::parse("429x"));
  EXPECT_EQ(parseStatsInterval("day"), StatsInterval::Day);
  EXPECT_FALSE(parseStatsInterval("week"));
  EXPECT_EQ(parseBreakdownBy("provider"), BreakdownBy::Provider);
  EXPECT_FALSE(parseBreakdownBy("user"));
}

TEST_F(RequestLogStoreTest, GetHoldsThePromptAndMissingIsNotFound) {
  auto r = record(at("2026-04-01T10:00:00Z"), 200, 7);
  r.prompt = R"({"messages":[]})";
  insert({r});
  auto got = store_.get(1);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->at("prompt"), json::value(R"({"messages":[]})"));
  auto listed = store_.list({});
  EXPECT_FALSE(listed->data[0].as_object().contains("prompt"));
  auto missing = store_.get(99);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::NotFound);
}

TEST_F(RequestLogStoreTest, OverviewTotalsAndPercentiles) {
  const auto t0 = at("2026-04-01T10:00:00Z");
  std::vector<UsageRecord> rows;
  for (int i = 1; i <= 100; ++i) {
    rows.push_back(record(t0 + std::chrono::seconds(i), i % 10 == 0 ? 500 : 200, i));
  }
  insert(rows);
  auto o = store_.overview({});
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_EQ(o->at("requests"), json::value(100));
  EXPECT_EQ(o->at("errors"), json::value(10));
  EXPECT_EQ(o->at("prompt_tokens"), json::value(10000));
  EXPECT_EQ(o->at("completion_tokens"), json::value(2000));
  EXPECT_EQ(o->at("tokens"), json::value(12000));
  EXPECT_NEAR(o->at("cost_usd").as_double(), 1.0, 1e-9);
  EXPECT_EQ(o->at("p50_latency_ms"), json::value(50));
  EXPECT_EQ(o->at("p95_latency_ms"), json::value(95));
  auto part = store_.overview({t0 + 91s, std::nullopt});  // latencies 91..100
  ASSERT_TRUE(part);
  EXPECT_EQ(part->at("requests"), json::value(10));
  EXPECT_EQ(part->at("p50_latency_ms"), json::value(95));
  EXPECT_EQ(part->at("p95_latency_ms"), json::value(100));
  auto none = store_.overview({t0 - 1h, t0});
  ASSERT_TRUE(none);
  EXPECT_EQ(none->at("requests"), json::value(0));
  EXPECT_EQ(none->at("p50_latency_ms"), json::value(nullptr));
}

TEST_F(RequestLogStoreTest, TimeseriesByHourFillsGapsAndByDay) {
  const auto t0 = at("2026-04-01T10:00:00Z");
  insert({record(t0 + 5min, 200, 10), record(t0 + 10min, 500, 30),
          record(t0 + 2h + 1min, 200, 20)});
  auto hours = store_.timeseries(StatsInterval::Hour, {t0, t0 + 3h});
  ASSERT_TRUE(hours) << hours.error().message;
  ASSERT_EQ(hours->size(), 3u);
  EXPECT_EQ(hours->at(0).at("time"), json::value("2026-04-01T10:00:00Z"));
  EXPECT_EQ(hours->at(0).at("requests"), json::value(2));
  EXPECT_EQ(hours->at(0).at("errors"), json::value(1));
  EXPECT_EQ(hours->at(0).at("tokens"), json::value(240));
  EXPECT_EQ(hours->at(0).at("p50_latency_ms"), json::value(10));
  EXPECT_EQ(hours->at(0).at("p95_latency_ms"), json::value(30));
  EXPECT_EQ(hours->at(1).at("time"), json::value("2026-04-01T11:00:00Z"));
  EXPECT_EQ(hours->at(1).at("requests"), json::value(0));
  EXPECT_EQ(hours->at(2).at("requests"), json::value(1));
  auto days = store_.timeseries(StatsInterval::Day, {});
  ASSERT_TRUE(days);
  ASSERT_EQ(days->size(), 1u);
  EXPECT_EQ(days->at(0).at("time"), json::value("2026-04-01T00:00:00Z"));
  EXPECT_EQ(days->at(0).at("requests"), json::value(3));
}

TEST_F(RequestLogStoreTest, BreakdownByModelKeyAndProvider) {
  const auto t0 = at("2026-04-01T10:00:00Z");
  auto renamed = record(t0 + 5min, 200, 4, 2, "claude", 11);
  renamed.key_name = "key-2-renamed";
  insert({record(t0, 200, 1, 1, "gpt-4o", 10), record(t0 + 1min, 500, 2, 2, "gpt-4o", 10),
          record(t0 + 2min, 200, 3, 2, "claude", 11), renamed});
  auto models = store_.breakdown(BreakdownBy::Model, {});
  ASSERT_TRUE(models) << models.error().message;
  ASSERT_EQ(models->size(), 2u);
  const json::value first = {{"id", "claude"}, {"name", "claude"}, {"requests", 2},
                             {"errors", 0},    {"tokens", 240},    {"cost_usd", 0.02}};
  EXPECT_EQ(models->at(0), first);
  auto keys = store_.breakdown(BreakdownBy::Key, {});
  ASSERT_TRUE(keys);
  EXPECT_EQ(keys->at(0).at("id"), json::value(2));
  EXPECT_EQ(keys->at(0).at("name"), json::value("key-2-renamed"));
  EXPECT_EQ(keys->at(0).at("requests"), json::value(3));
  EXPECT_EQ(keys->at(0).at("errors"), json::value(1));
  auto providers = store_.breakdown(BreakdownBy::Provider, {t0 + 1min, std::nullopt});
  ASSERT_TRUE(providers);
  ASSERT_EQ(providers->size(), 2u);
  EXPECT_EQ(providers->at(0).at("id"), json::value(11));
  EXPECT_EQ(providers->at(1).at("requests"), json::value(1));
}

TEST_F(RequestLogStoreTest, BreakdownNamesAreTheLatestInTheRangeWhateverTheInsertOrder) {
  const auto t0 = at("2026-04-01T10:00:00Z");
  auto latest = record(t0 + 10min, 200, 1, 7, "gpt-4o", 20);
  latest.key_name = "key-7-new";
  latest.provider_name = "prov-20-new";
  auto older = record(t0 + 5min, 200, 2, 7, "gpt-4o", 20);
  older.key_name = "key-7-old";
  older.provider_name = "prov-20-old";
  auto keyless = record(t0 + 1min, 200, 3, 0, "gpt-4o", 21);
  keyless.key_id.reset();
  keyless.key_name.clear();
  // The newest row goes in first: the name follows the time, not the insertion order.
  insert({latest, older, record(t0, 200, 4, 7, "gpt-4o", 20), keyless});
  auto keys = store_.breakdown(BreakdownBy::Key, {});
  ASSERT_TRUE(keys) << keys.error().message;
  const json::value expected_keys = json::array{
      {{"id", 7}, {"name", "key-7-new"}, {"requests", 3}, {"errors", 0}, {"tokens", 360},
       {"cost_usd", 0.03}},
      {{"id", nullptr}, {"name", ""}, {"requests", 1}, {"errors", 0}, {"tokens", 120},
       {"cost_usd", 0.01}}};
  EXPECT_EQ(json::value(*keys), expected_keys);
  auto providers = store_.breakdown(BreakdownBy::Provider, {});
  ASSERT_TRUE(providers);
  ASSERT_EQ(providers->size(), 2u);
  EXPECT_EQ(providers->at(0).at("id"), json::value(20));
  EXPECT_EQ(providers->at(0).at("name"), json::value("prov-20-new"));
  // A range that ends before the rename names the provider as it was then.
  auto before = store_.breakdown(BreakdownBy::Provider, {t0, t0 + 6min});
  ASSERT_TRUE(before);
  EXPECT_EQ(before->at(0).at("name"), json::value("prov-20-old"));
  EXPECT_EQ(before->at(0).at("requests"), json::value(2));
}

TEST_F(RequestLogStoreTest, ManyBatchesReuseTheStatementWithoutCarryingValuesOver) {
  const auto t0 = at("2026-04-01T10:00:00Z");
  for (int b = 0; b < 40; ++b) {
    std::vector<UsageRecord> rows;
    for (int i = 0; i < 5; ++i) {
      const int n = b * 5 + i;
      auto r = record(t0 + std::chrono::seconds(n), n % 2 == 0 ? 500 : 200, n + 1);
      if (n % 2 == 0) {
        r.agent = "eu-west";
        r.prompt = "{}";
      } else {
        r.key_id.reset();
        r.ttfb_ms.reset();
      }
      rows.push_back(std::move(r));
    }
    insert(rows);
  }
  EXPECT_EQ(*store_.count(), 200);
  // Each odd row follows an even one whose error, agent, prompt, key and ttfb were set.
  auto odd = store_.get(200);
  ASSERT_TRUE(odd) << odd.error().message;
  EXPECT_EQ(odd->at("latency_ms"), json::value(200));
  EXPECT_EQ(odd->at("error"), json::value(nullptr));
  EXPECT_EQ(odd->at("agent"), json::value(nullptr));
  EXPECT_EQ(odd->at("prompt"), json::value(nullptr));
  EXPECT_EQ(odd->at("key_id"), json::value(nullptr));
  EXPECT_EQ(odd->at("ttfb_ms"), json::value(nullptr));
  auto even = store_.get(199);
  ASSERT_TRUE(even);
  EXPECT_EQ(even->at("agent"), json::value("eu-west"));
  EXPECT_EQ(even->at("error"), json::value("upstream said no"));
  EXPECT_EQ(even->at("key_id"), json::value(1));
}

TEST_F(RequestLogStoreTest, LargeBatchesAreInsertedWholeInOrderWithEveryValue) {
  // 37 rows: two multi-row statements of 16 and five single-row runs; then 16 exactly.
  const auto t0 = at("2026-04-01T10:00:00Z");
  int n = 0;
  for (const int size : {37, 16}) {
    std::vector<UsageRecord> rows;
    for (int i = 0; i < size; ++i, ++n) {
      auto r = record(t0 + std::chrono::seconds(n), n % 3 == 0 ? 500 : 200, n + 1, n % 4, "m",
                      100 + n);
      if (n % 2 == 0) {
        r.agent = "agent-" + std::to_string(n);
        r.prompt = "prompt-" + std::to_string(n);
      }
      rows.push_back(std::move(r));
    }
    insert(rows);
  }
  ASSERT_EQ(*store_.count(), 53);
  for (int id = 1; id <= 53; ++id) {
    const int k = id - 1;
    auto row = store_.get(id);
    ASSERT_TRUE(row) << row.error().message;
    EXPECT_EQ(row->at("latency_ms"), json::value(id)) << id;
    EXPECT_EQ(row->at("request_id"), json::value("req-" + std::to_string(id))) << id;
    EXPECT_EQ(row->at("key_id"), json::value(k % 4)) << id;
    EXPECT_EQ(row->at("key_name"), json::value("key-" + std::to_string(k % 4))) << id;
    EXPECT_EQ(row->at("provider_name"), json::value("prov-" + std::to_string(100 + k))) << id;
    EXPECT_EQ(row->at("status"), json::value(k % 3 == 0 ? 500 : 200)) << id;
    EXPECT_EQ(row->at("error"),
              k % 3 == 0 ? json::value("upstream said no") : json::value(nullptr))
        << id;
    EXPECT_EQ(row->at("agent"),
              k % 2 == 0 ? json::value("agent-" + std::to_string(k)) : json::value(nullptr))
        << id;
    EXPECT_EQ(row->at("prompt"),
              k % 2 == 0 ? json::value("prompt-" + std::to_string(k)) : json::value(nullptr))
        << id;
  }
}

TEST_F(RequestLogStoreTest, AFailedBatchRollsBackAndDoesNotPoisonTheNext) {
  const auto t0 = at("2026-04-01T10:00:00Z");
  insert({record(t0, 200, 1)});
  {
    auto lock = db_->lock();
    db_->exec(
        "CREATE TRIGGER poison BEFORE INSERT ON request_logs WHEN NEW.request_id = 'poison' "
        "BEGIN SELECT RAISE(ABORT, 'poisoned row'); END");
  }
  auto bad = record(t0 + 2min, 200, 3);
  bad.request_id = "poison";
  auto failed = store_.insertBatch(std::vector<UsageRecord>{record(t0 + 1min, 200, 2), bad});
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, ErrorCode::Internal);
  EXPECT_NE(failed.error().message.find("poisoned row"), std::string::npos);
  EXPECT_EQ(*store_.count(), 1);  // the good row of the failed batch went too
  insert({record(t0 + 3min, 200, 4), record(t0 + 4min, 200, 5)});
  EXPECT_EQ(*store_.count(), 3);
  {
    auto lock = db_->lock();
    db_->exec("DROP TRIGGER poison");  // a schema change under the cached statement
  }
  bad.time = t0 + 5min;
  insert({bad});
  auto page = store_.list({});
  ASSERT_TRUE(page);
  ASSERT_EQ(page->total, 4);
  EXPECT_EQ(page->data[0].at("request_id"), json::value("poison"));
  EXPECT_EQ(page->data[1].at("latency_ms"), json::value(5));
}

TEST_F(RequestLogStoreTest, StoresSharingADatabaseShareItsStatement) {
  const auto t0 = at("2026-04-01T10:00:00Z");
  RequestLogStore other(*db_);
  for (int i = 0; i < 6; ++i) {
    auto& s = i % 2 == 0 ? store_ : other;
    ASSERT_TRUE(s.insertBatch(std::vector<UsageRecord>{record(t0 + std::chrono::minutes(i), 200,
                                                              i + 1)}));
  }
  EXPECT_EQ(*other.count(), 6);
  EXPECT_EQ(store_.list({})->data[0].at("latency_ms"), json::value(6));
}

TEST_F(RequestLogStoreTest, LastUsedIsTheKeysNewestRow) {
  const auto t0 = at("2026-04-01T10:00:00Z");
  insert({record(t0 + 2h, 200, 1, 1), record(t0, 200, 2, 1), record(t0 + 1h, 500, 3, 2)});
  EXPECT_EQ(store_.lastUsedAt(1).value(), std::optional<std::string>("2026-04-01T12:00:00Z"));
  EXPECT_EQ(store_.lastUsedAt(2).value(), std::optional<std::string>("2026-04-01T11:00:00Z"));
  EXPECT_EQ(store_.lastUsedAt(3).value(), std::nullopt);
}

TEST_F(RequestLogStoreTest, SpendByKeySinceAndPrune) {
  const auto t0 = at("2026-04-01T10:00:00Z");
  auto expensive = record(t0 + 1h, 200, 2, 1);
  expensive.cost_usd = 1.5;
  insert({record(t0, 200, 1, 1), expensive, record(t0 + 2h, 200, 3, 2)});
  EXPECT_NEAR(*store_.spendByKeySince(1, t0), 1.51, 1e-9);
  EXPECT_NEAR(*store_.spendByKeySince(1, t0 + 30min), 1.5, 1e-9);
  EXPECT_DOUBLE_EQ(*store_.spendByKeySince(3, t0), 0.0);
  auto pruned = store_.pruneOlderThan(t0 + 90min);
  ASSERT_TRUE(pruned);
  EXPECT_EQ(*pruned, 2);
  EXPECT_EQ(*store_.count(), 1);
}

TEST(RequestLogStoreFile, RowsSurviveReopen) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("gw-request-logs-" + std::to_string(::getpid()));
  const std::string path = (dir / "gateway.db").string();
  {
    auto db = Database::open(path);
    RequestLogStore store(*db);
    ASSERT_TRUE(store.insertBatch(std::vector<UsageRecord>{
        record(at("2026-04-01T10:00:00Z"), 200, 1), record(at("2026-04-01T10:00:01Z"), 200, 2)}));
  }
  // The last connection's close checkpoints and removes the WAL file, which it would not do
  // with a statement left unfinalized: the cached ones are finalized before the close.
  EXPECT_FALSE(std::filesystem::exists(path + "-wal"));
  {
    auto db = Database::open(path);
    RequestLogStore store(*db);
    EXPECT_EQ(*store.count(), 2);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace gw::store::sqlite
