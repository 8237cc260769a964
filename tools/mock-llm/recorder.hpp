#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace gw::mock {

/// One request as the mock received it.
struct RecordedRequest {
  std::uint64_t id = 0;
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers; ///< names lower-cased, in order
  std::string body;
  std::int64_t time_ms = 0; ///< Unix epoch, milliseconds
  unsigned status = 0;      ///< status the mock answered (0 when it closed before headers)
  bool streaming = false;
  bool client_disconnected = false;
};

/// Bounded log of received requests plus counters, read by tests through `/_mock/*`.
/// @par Thread Safety Every member function is safe to call from any thread.
class Recorder {
public:
  static constexpr std::size_t kMaxRecords = 10000;

  /// Stores `r` (dropping the oldest beyond kMaxRecords); returns its id.
  std::uint64_t add(RecordedRequest&& r);
  /// Marks request `id` as abandoned by its client and counts one client disconnect.
  void markDisconnected(std::uint64_t id);
  void streamStarted() { active_streams_.fetch_add(1, std::memory_order_relaxed); }
  void streamEnded() { active_streams_.fetch_sub(1, std::memory_order_relaxed); }
  /// `{"data":[...]}`, oldest first.
  std::string requestsJson() const;
  /// `{"requests":N,"client_disconnects":N,"active_streams":N}`.
  std::string statsJson() const;
  /// Drops all records and zeroes the requests and client_disconnects counters.
  void clear();

private:
  mutable std::mutex mu_;
  std::deque<RecordedRequest> records_;
  std::uint64_t next_id_ = 1;
  std::uint64_t requests_ = 0;
  std::uint64_t disconnects_ = 0;
  std::atomic<int> active_streams_{0};
};

} // namespace gw::mock
