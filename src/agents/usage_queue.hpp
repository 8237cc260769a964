#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <vector>

#include "observe/request_log_sink.hpp"

namespace gw::agents {

struct UsageQueueOptions {
  std::size_t capacity = 10'000;  ///< rows held while the control plane is unreachable
  std::size_t batch_rows = 100;   ///< rows per POST; reaching it wakes the sender early
};

/// The agent's request-log sink: instead of a database, the UsageLogWriter hands its batches
/// to this bounded queue, from which the agent's sender POSTs them to /api/agent/usage.
/// Rows beyond `capacity` are dropped and counted (the oldest are kept: they are already
/// ordered for sending). It also counts every row it saw, as the heartbeat's request and
/// error totals.
/// @par Thread Safety
/// Every member is thread-safe (writeBatch() runs on the writer's thread, take()/putBack() on
/// the sender's event loop). The wake hook is called on the writer's thread without the lock.
class UsageQueue final : public observe::RequestLogSink {
public:
  explicit UsageQueue(UsageQueueOptions options = {}) : options_(options) {}

  /// Called when the queue reaches batch_rows (e.g. to wake the sender). Set before use.
  void onBatchReady(std::function<void()> wake) { wake_ = std::move(wake); }

  /// Queues the rows (never fails: an overflow is counted in dropped()).
  Result<void> writeBatch(std::span<const observe::UsageRecord> batch) override;
  /// Nothing is kept locally: retention is the control plane's. Returns 0.
  Result<std::int64_t> pruneOlderThan(std::chrono::system_clock::time_point) override {
    return std::int64_t{0};
  }

  /// Removes and returns up to batch_rows of the oldest rows.
  std::vector<observe::UsageRecord> take();
  /// Puts rows that could not be sent back at the front, oldest first; what no longer fits is
  /// dropped and counted.
  void putBack(std::vector<observe::UsageRecord>&& rows);

  /// Counts rows given up on (e.g. a batch the control plane refused as malformed).
  void discard(std::size_t rows) { dropped_.fetch_add(rows, std::memory_order_relaxed); }

  std::size_t size() const;
  std::size_t batchRows() const { return options_.batch_rows; }
  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  std::uint64_t requests() const { return requests_.load(std::memory_order_relaxed); }
  std::uint64_t errors() const { return errors_.load(std::memory_order_relaxed); }

private:
  const UsageQueueOptions options_;
  std::function<void()> wake_;
  mutable std::mutex mutex_;
  std::deque<observe::UsageRecord> rows_;
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::uint64_t> requests_{0};
  std::atomic<std::uint64_t> errors_{0};
};

}  // namespace gw::agents
