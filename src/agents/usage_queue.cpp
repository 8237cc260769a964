#include "agents/usage_queue.hpp"

#include <algorithm>
#include <iterator>

namespace gw::agents {

Result<void> UsageQueue::writeBatch(std::span<const observe::UsageRecord> batch) {
  bool ready = false;
  {
    std::lock_guard lock(mutex_);
    for (const auto& r : batch) {
      requests_.fetch_add(1, std::memory_order_relaxed);
      if (r.status >= 400) {
        errors_.fetch_add(1, std::memory_order_relaxed);
      }
      if (r.forwarded) {
        continue;  // forwarded by the control plane, which logs it (docs/agents.md "Forwarding")
      }
      if (rows_.size() >= options_.capacity) {
        dropped_.fetch_add(1, std::memory_order_relaxed);
        continue;
      }
      rows_.push_back(r);
    }
    ready = rows_.size() >= options_.batch_rows;
  }
  if (ready && wake_) {
    wake_();
  }
  return {};
}

std::vector<observe::UsageRecord> UsageQueue::take() {
  std::lock_guard lock(mutex_);
  const auto n = std::min(options_.batch_rows, rows_.size());
  std::vector<observe::UsageRecord> out(std::make_move_iterator(rows_.begin()),
                                        std::make_move_iterator(rows_.begin() + n));
  rows_.erase(rows_.begin(), rows_.begin() + n);
  return out;
}

void UsageQueue::putBack(std::vector<observe::UsageRecord>&& rows) {
  std::lock_guard lock(mutex_);
  const auto room = options_.capacity > rows_.size() ? options_.capacity - rows_.size() : 0;
  const auto keep = std::min(room, rows.size());
  dropped_.fetch_add(rows.size() - keep, std::memory_order_relaxed);
  rows_.insert(rows_.begin(), std::make_move_iterator(rows.begin()),
               std::make_move_iterator(rows.begin() + keep));
}

std::size_t UsageQueue::size() const {
  std::lock_guard lock(mutex_);
  return rows_.size();
}

}  // namespace gw::agents
