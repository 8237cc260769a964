#include "observe/usage_log_writer.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <future>
#include <thread>
#include <vector>

namespace gw::observe {
namespace {

using namespace std::chrono_literals;

UsageRecord recordAt(std::chrono::system_clock::time_point t, int n) {
  UsageRecord r;
  r.time = t;
  r.request_id = "req-" + std::to_string(n);
  r.key_id = n % 5;
  r.model = "gpt-4o";
  r.status = 200;
  r.latency_ms = n;
  r.prompt_tokens = 10;
  r.cost_usd = 0.001;
  return r;
}

/// Keeps batches in memory; can fail, or block inside writeBatch until released.
class MemorySink : public RequestLogSink {
public:
  Result<void> writeBatch(std::span<const UsageRecord> batch) override {
    if (block_) {
      entered_.set_value();
      release_.get_future().wait();
      block_ = false;
    }
    if (fail_) {
      return Error::internal("disk full");
    }
    std::lock_guard lock(mutex_);
    sizes_.push_back(batch.size());
    rows_.insert(rows_.end(), batch.begin(), batch.end());
    return {};
  }
  Result<std::int64_t> pruneOlderThan(std::chrono::system_clock::time_point cutoff) override {
    std::lock_guard lock(mutex_);
    cutoffs_.push_back(cutoff);
    return std::int64_t{0};
  }
  std::vector<UsageRecord> rows() {
    std::lock_guard lock(mutex_);
    return rows_;
  }
  std::vector<std::size_t> sizes() {
    std::lock_guard lock(mutex_);
    return sizes_;
  }
  std::vector<std::chrono::system_clock::time_point> cutoffs() {
    std::lock_guard lock(mutex_);
    return cutoffs_;
  }

  bool fail_ = false;
  bool block_ = false;
  std::promise<void> entered_;
  std::promise<void> release_;

private:
  std::mutex mutex_;
  std::vector<UsageRecord> rows_;
  std::vector<std::size_t> sizes_;
  std::vector<std::chrono::system_clock::time_point> cutoffs_;
};

/// A fresh SQLite file in a temporary directory, removed at the end.
class TempDb {
public:
  TempDb()
      : dir_(std::filesystem::temp_directory_path() /
             ("gw-observe-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++))) {
    std::filesystem::remove_all(dir_);
  }
  ~TempDb() { std::filesystem::remove_all(dir_); }
  std::string path() const { return (dir_ / "gateway.db").string(); }

private:
  static inline int counter_ = 0;
  std::filesystem::path dir_;
};

TEST(UsageLogWriter, BatchesRespectTheBatchSize) {
  MemorySink sink;
  FakeClock clock;
  UsageLogWriterOptions opts;
  opts.batch_size = 64;
  {
    UsageLogWriter writer(sink, clock, opts);
    for (int i = 0; i < 1000; ++i) {
      ASSERT_TRUE(writer.submit(recordAt(clock.now(), i)));
    }
    writer.flush();
    EXPECT_EQ(writer.written(), 1000u);
    EXPECT_EQ(writer.depth(), 0u);
  }
  EXPECT_EQ(sink.rows().size(), 1000u);
  for (auto n : sink.sizes()) {
    EXPECT_LE(n, 64u);
  }
  // Order is kept (one producer).
  EXPECT_EQ(sink.rows().front().request_id, "req-0");
  EXPECT_EQ(sink.rows().back().request_id, "req-999");
}

TEST(UsageLogWriter, DestructorWritesWhatIsQueued) {
  MemorySink sink;
  FakeClock clock;
  {
    UsageLogWriter writer(sink, clock);
    for (int i = 0; i < 50; ++i) {
      writer.submit(recordAt(clock.now(), i));
    }
  }
  EXPECT_EQ(sink.rows().size(), 50u);
}

TEST(UsageLogWriter, FullQueueDropsAndCounts) {
  MemorySink sink;
  sink.block_ = true;
  FakeClock clock;
  UsageLogWriterOptions opts;
  opts.capacity = 4;
  opts.batch_size = 1;
  UsageLogWriter writer(sink, clock, opts);
  ASSERT_TRUE(writer.submit(recordAt(clock.now(), 0)));
  sink.entered_.get_future().wait();  // the writer holds record 0 inside the blocked sink
  for (int i = 1; i <= 4; ++i) {
    EXPECT_TRUE(writer.submit(recordAt(clock.now(), i))) << i;
  }
  EXPECT_EQ(writer.depth(), 4u);
  EXPECT_FALSE(writer.submit(recordAt(clock.now(), 5)));
  EXPECT_FALSE(writer.submit(recordAt(clock.now(), 6)));
  EXPECT_EQ(writer.dropped(), 2u);
  sink.release_.set_value();
  writer.flush();
  EXPECT_EQ(writer.written(), 5u);
  EXPECT_EQ(sink.rows().size(), 5u);
  EXPECT_EQ(writer.dropped(), 2u);
  EXPECT_TRUE(writer.submit(recordAt(clock.now(), 7)));  // room again
}

TEST(UsageLogWriter, SinkFailuresAreCounted) {
  MemorySink sink;
  sink.fail_ = true;
  FakeClock clock;
  UsageLogWriter writer(sink, clock);
  writer.submit(recordAt(clock.now(), 1));
  writer.submit(recordAt(clock.now(), 2));
  writer.flush();
  EXPECT_EQ(writer.failed(), 2u);
  EXPECT_EQ(writer.written(), 0u);
}

TEST(UsageLogWriter, RetentionRunsOnChangeThenHourly) {
  MemorySink sink;
  FakeClock clock;
  UsageLogWriter writer(sink, clock);
  writer.flush();
  EXPECT_TRUE(sink.cutoffs().empty());  // retention 0: keep forever
  writer.setRetentionDays(7);
  writer.flush();
  ASSERT_EQ(sink.cutoffs().size(), 1u);
  EXPECT_EQ(sink.cutoffs()[0], clock.now() - 7 * 24h);
  clock.advance(30min);
  writer.flush();
  EXPECT_EQ(sink.cutoffs().size(), 1u);
  clock.advance(30min);
  writer.flush();
  ASSERT_EQ(sink.cutoffs().size(), 2u);
  EXPECT_EQ(sink.cutoffs()[1], clock.now() - 7 * 24h);
}

TEST(UsageLogWriterSqlite, LogsReachSqliteUnderLoadSurviveRestartAndArePruned) {
  TempDb tmp;
  FakeClock clock;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 2500;
  {
    auto db = store::sqlite::Database::open(tmp.path());
    store::sqlite::RequestLogStore store(*db);
    SqliteRequestLogSink sink(store);
    UsageLogWriter writer(sink, clock);
    std::vector<std::thread> producers;
    for (int t = 0; t < kThreads; ++t) {
      producers.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) {
          // The first thread's records are 10 days old, for the retention check below.
          const auto when = t == 0 ? clock.now() - 240h : clock.now();
          writer.submit(recordAt(when, t * kPerThread + i));
        }
      });
    }
    for (auto& p : producers) {
      p.join();
    }
    writer.flush();
    EXPECT_EQ(writer.dropped(), 0u);
    EXPECT_EQ(writer.written(), static_cast<std::uint64_t>(kThreads * kPerThread));
    EXPECT_EQ(*store.count(), kThreads * kPerThread);
  }
  // Restart: the rows are on disk; a 7-day retention prunes the old quarter.
  auto db = store::sqlite::Database::open(tmp.path());
  store::sqlite::RequestLogStore store(*db);
  EXPECT_EQ(*store.count(), kThreads * kPerThread);
  SqliteRequestLogSink sink(store);
  UsageLogWriterOptions opts;
  opts.retention_days = 7;
  UsageLogWriter writer(sink, clock, opts);
  writer.flush();
  EXPECT_EQ(writer.pruned(), static_cast<std::uint64_t>(kPerThread));
  EXPECT_EQ(*store.count(), (kThreads - 1) * kPerThread);
  // Eight days later the rest has aged out too, at the next hourly pass.
  clock.advance(24h * 8);
  writer.flush();
  EXPECT_EQ(*store.count(), 0);
}

}  // namespace
}  // namespace gw::observe
