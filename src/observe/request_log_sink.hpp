#pragma once

#include <chrono>
#include <cstdint>
#include <span>

#include "core/result.hpp"
#include "store/sqlite/request_log_store.hpp"

namespace gw::observe {

/// One request's usage log entry (see store::UsageRecord for the fields).
using UsageRecord = store::UsageRecord;

/// Where the usage log writer puts its batches. Implemented over the SQLite request log store
/// (SqliteRequestLogSink); a PostgreSQL store or an agent's upstream batch sender can implement
/// it too.
/// @par Thread Safety
/// Called only from the writer's own thread.
class RequestLogSink {
public:
  virtual ~RequestLogSink() = default;
  /// Stores `batch` in one transaction (all or nothing).
  virtual Result<void> writeBatch(std::span<const UsageRecord> batch) = 0;
  /// Deletes entries older than `cutoff`; returns how many.
  virtual Result<std::int64_t> pruneOlderThan(std::chrono::system_clock::time_point cutoff) = 0;
};

/// RequestLogSink over store::sqlite::RequestLogStore. Does not own the store.
class SqliteRequestLogSink final : public RequestLogSink {
public:
  explicit SqliteRequestLogSink(store::sqlite::RequestLogStore& store) : store_(store) {}
  Result<void> writeBatch(std::span<const UsageRecord> batch) override {
    return store_.insertBatch(batch);
  }
  Result<std::int64_t> pruneOlderThan(std::chrono::system_clock::time_point cutoff) override {
    return store_.pruneOlderThan(cutoff);
  }

private:
  store::sqlite::RequestLogStore& store_;
};

}  // namespace gw::observe
