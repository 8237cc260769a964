#include "observe/usage_log_writer.hpp"

#include "core/log.hpp"

namespace gw::observe {

namespace {

std::size_t roundUpPow2(std::size_t n) {
  std::size_t c = 2;
  while (c < n) {
    c <<= 1;
  }
  return c;
}

}  // namespace

UsageLogWriter::UsageLogWriter(RequestLogSink& sink, const Clock& clock,
                               UsageLogWriterOptions options)
    : sink_(sink),
      clock_(clock),
      options_(options),
      mask_(roundUpPow2(options.capacity) - 1),
      cells_(new Cell[mask_ + 1]),
      retention_days_(options.retention_days) {
  for (std::size_t i = 0; i <= mask_; ++i) {
    cells_[i].seq.store(i, std::memory_order_relaxed);
  }
  thread_ = std::thread([this] { run(); });
}

UsageLogWriter::~UsageLogWriter() {
  stopped_.store(true, std::memory_order_release);
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
  // A submit() racing with shutdown may have landed after the thread's last drain.
  std::vector<UsageRecord> rest;
  UsageRecord r;
  while (pop(r)) {
    rest.push_back(std::move(r));
  }
  if (!rest.empty()) {
    writeBatch(rest);
  }
}

bool UsageLogWriter::submit(UsageRecord&& record) {
  if (stopped_.load(std::memory_order_acquire)) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  std::size_t pos = enqueue_pos_.load(std::memory_order_relaxed);
  Cell* cell = nullptr;
  for (;;) {
    cell = &cells_[pos & mask_];
    const std::size_t seq = cell->seq.load(std::memory_order_acquire);
    const auto diff = static_cast<std::intptr_t>(seq) - static_cast<std::intptr_t>(pos);
    if (diff == 0) {
      if (enqueue_pos_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
        break;
      }
    } else if (diff < 0) {
      dropped_.fetch_add(1, std::memory_order_relaxed);  // full: drop detail, keep counting
      return false;
    } else {
      pos = enqueue_pos_.load(std::memory_order_relaxed);
    }
  }
  cell->record = std::move(record);
  cell->seq.store(pos + 1, std::memory_order_release);
  // Wake the writer early once a full batch waits (no lock: a missed wake-up only means the
  // batch goes at the next flush_interval).
  if (pos + 1 - dequeue_pos_.load(std::memory_order_relaxed) == options_.batch_size) {
    wake_.notify_one();
  }
  return true;
}

bool UsageLogWriter::pop(UsageRecord& out) {
  const std::size_t pos = dequeue_pos_.load(std::memory_order_relaxed);
  Cell& cell = cells_[pos & mask_];
  const std::size_t seq = cell.seq.load(std::memory_order_acquire);
  if (seq != pos + 1) {
    return false;  // empty, or the next record is claimed but not yet published
  }
  out = std::move(cell.record);
  cell.record = UsageRecord{};
  dequeue_pos_.store(pos + 1, std::memory_order_relaxed);
  cell.seq.store(pos + mask_ + 1, std::memory_order_release);
  return true;
}

std::size_t UsageLogWriter::depth() const {
  const auto in = enqueue_pos_.load(std::memory_order_relaxed);
  const auto out = dequeue_pos_.load(std::memory_order_relaxed);
  return in >= out ? in - out : 0;
}

void UsageLogWriter::flush() {
  std::unique_lock lock(mutex_);
  const std::uint64_t ticket = ++flush_requested_;
  wake_.notify_one();
  flushed_.wait(lock, [&] { return flush_done_ >= ticket || stopping_; });
}

void UsageLogWriter::setRetentionDays(int days) {
  retention_days_.store(days, std::memory_order_relaxed);
  retention_changed_.store(true, std::memory_order_release);
}

void UsageLogWriter::writeBatch(std::vector<UsageRecord>& batch) {
  const auto n = static_cast<std::uint64_t>(batch.size());
  if (auto r = sink_.writeBatch(batch); r) {
    written_.fetch_add(n, std::memory_order_relaxed);
  } else {
    failed_.fetch_add(n, std::memory_order_relaxed);
    GW_LOG_ERROR("usage log batch lost{}{}", log::kv("rows", static_cast<long long>(n)),
                 log::kv("error", r.error().message));
  }
  batch.clear();
}

void UsageLogWriter::maintain() {
  const int days = retention_days_.load(std::memory_order_relaxed);
  if (days <= 0) {
    return;
  }
  const auto now = clock_.now();
  const bool changed = retention_changed_.exchange(false, std::memory_order_acq_rel);
  if (!changed && now - last_prune_ < options_.prune_interval) {
    return;
  }
  last_prune_ = now;
  auto r = sink_.pruneOlderThan(now - std::chrono::hours(24) * days);
  if (r) {
    pruned_.fetch_add(static_cast<std::uint64_t>(*r), std::memory_order_relaxed);
  } else {
    GW_LOG_ERROR("usage log retention failed{}", log::kv("error", r.error().message));
  }
}

void UsageLogWriter::run() {
  std::vector<UsageRecord> batch;
  batch.reserve(options_.batch_size);
  for (;;) {
    std::uint64_t serving = 0;
    bool stopping = false;
    {
      std::lock_guard lock(mutex_);
      serving = flush_requested_;
      stopping = stopping_;
    }
    UsageRecord r;
    while (pop(r)) {
      batch.push_back(std::move(r));
      if (batch.size() >= options_.batch_size) {
        writeBatch(batch);
      }
    }
    if (!batch.empty()) {
      writeBatch(batch);
    }
    maintain();
    std::unique_lock lock(mutex_);
    flush_done_ = serving;
    flushed_.notify_all();
    if (stopping) {
      return;
    }
    wake_.wait_for(lock, options_.flush_interval, [&] {
      return stopping_ || flush_requested_ != flush_done_ || depth() >= options_.batch_size;
    });
  }
}

}  // namespace gw::observe
