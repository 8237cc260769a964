#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

#include "core/clock.hpp"
#include "observe/request_log_sink.hpp"

namespace gw::observe {

struct UsageLogWriterOptions {
  std::size_t capacity = 16384;  ///< queue slots (rounded up to a power of two)
  std::size_t batch_size = 500;  ///< most rows per transaction
  std::chrono::milliseconds flush_interval{200};  ///< longest a record waits in the queue
  int retention_days = 0;                         ///< 0 keeps logs forever
  std::chrono::seconds prune_interval{3600};      ///< how often retention runs
};

/// Writes usage records to a RequestLogSink asynchronously, in batches.
///
/// submit() is called on the request path: it puts the record in a bounded lock-free MPSC ring
/// (Vyukov's bounded queue: one CAS to claim a slot, one release store to publish it) and never
/// blocks. When the ring is full the record is dropped and counted (dropped()); aggregate
/// figures (metrics, budget spend) are the caller's and must be updated regardless.
///
/// A background thread (started by the constructor) drains the ring in batches of up to
/// batch_size, every flush_interval or as soon as a batch is full, one sink transaction per
/// batch. With retention_days > 0 it also prunes older rows every prune_interval (timed by the
/// injected Clock), and right after the retention setting changes.
/// The destructor writes what is queued, then stops the thread.
/// @par Thread Safety
/// submit(), flush(), setRetentionDays() and the counters are safe from any thread. flush()
/// blocks (shutdown and tests only, never an event loop). The sink must outlive the writer.
class UsageLogWriter {
public:
  UsageLogWriter(RequestLogSink& sink, const Clock& clock, UsageLogWriterOptions options = {});
  ~UsageLogWriter();
  UsageLogWriter(const UsageLogWriter&) = delete;
  UsageLogWriter& operator=(const UsageLogWriter&) = delete;

  /// Queues `record`; false (and dropped() + 1) when the queue is full or the writer stopped.
  bool submit(UsageRecord&& record);
  /// Returns once every record submitted before the call was handed to the sink and a
  /// retention pass (when due) has run.
  void flush();
  /// Changes retention at run time (0 = keep forever); the next cycle prunes.
  void setRetentionDays(int days);

  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  std::uint64_t written() const { return written_.load(std::memory_order_relaxed); }
  /// Records lost because the sink failed.
  std::uint64_t failed() const { return failed_.load(std::memory_order_relaxed); }
  std::uint64_t pruned() const { return pruned_.load(std::memory_order_relaxed); }
  /// Records waiting in the queue (approximate while producers are active).
  std::size_t depth() const;
  std::size_t capacity() const { return mask_ + 1; }

private:
  struct Cell {
    std::atomic<std::size_t> seq{0};
    UsageRecord record;
  };

  bool pop(UsageRecord& out);
  void run();
  void writeBatch(std::vector<UsageRecord>& batch);
  void maintain();

  RequestLogSink& sink_;
  const Clock& clock_;
  const UsageLogWriterOptions options_;
  std::size_t mask_;
  std::unique_ptr<Cell[]> cells_;
  alignas(64) std::atomic<std::size_t> enqueue_pos_{0};
  alignas(64) std::atomic<std::size_t> dequeue_pos_{0};
  alignas(64) std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::uint64_t> written_{0};
  std::atomic<std::uint64_t> failed_{0};
  std::atomic<std::uint64_t> pruned_{0};
  std::atomic<int> retention_days_;
  std::atomic<bool> retention_changed_{true};
  std::chrono::system_clock::time_point last_prune_{};

  std::mutex mutex_;  // guards the fields below; never taken by submit() except to wake
  std::condition_variable wake_;
  std::condition_variable flushed_;
  std::uint64_t flush_requested_ = 0;
  std::uint64_t flush_done_ = 0;
  bool stopping_ = false;
  std::atomic<bool> stopped_{false};
  std::thread thread_;
};

}  // namespace gw::observe
