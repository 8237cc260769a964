#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "agents/backoff.hpp"
#include "agents/control_plane_client.hpp"
#include "agents/state_file.hpp"
#include "agents/usage_queue.hpp"
#include "core/blocking.hpp"

namespace gw::agents {

struct AgentSyncOptions {
  std::chrono::milliseconds heartbeat_interval{10'000};
  std::chrono::milliseconds usage_interval{1'000};  ///< longest a usage row waits (when sendable)
  BackoffPolicy backoff;                            ///< after failed polls and uploads
};

/// What the sync loops need from the node that hosts them.
struct AgentSyncHooks {
  /// Compiles and publishes a document. Blocking (runs on the pool). An error leaves the
  /// current snapshot in place.
  std::function<Result<void>(const json::object& document)> apply;
  /// The heartbeat's live figures (agent_version, uptime_s, inflight, requests, errors);
  /// config_version and status are filled in by AgentSync.
  std::function<Heartbeat()> stats;
};

/// The agent's three background loops on one event loop:
/// - config: long-polls the control plane for the document, applies each new one and writes
///   it to the state file; on failure retries with exponential, capped, jittered backoff. A
///   document that does not compile is not retried: the loop then waits for the next version.
/// - heartbeat: every heartbeat_interval, and right after a new document is applied, reports
///   the stats (failures only logged).
/// - usage: every usage_interval, or as soon as the queue holds a batch, POSTs the queued rows
///   in batches; a failed batch goes back to the queue and the loop backs off.
///
/// Start-up: loadState() applies the state file's document, if any, so the node serves before
/// (or without) reaching the control plane.
/// @par Thread Safety
/// start() and stop() are called from the controlling thread; the loops run on `executor`'s
/// thread. stop() must be called while that event loop still runs (before the server stops).
/// Everything passed by reference must outlive the object.
class AgentSync {
public:
  AgentSync(boost::asio::any_io_executor executor, ControlPlaneClient& control_plane,
            BlockingPool& pool, const StateFile& state, UsageQueue& usage, Random& random,
            AgentSyncHooks hooks, AgentSyncOptions options = {});
  ~AgentSync();
  AgentSync(const AgentSync&) = delete;
  AgentSync& operator=(const AgentSync&) = delete;

  /// Reads the state file and applies its document (blocking; start-up). A missing file is
  /// normal; a corrupt or foreign one is logged as a warning and ignored. Returns whether a
  /// document was applied.
  bool loadState();
  /// Spawns the loops.
  void start();
  /// Cancels the loops and waits (up to 5 s) until they have ended, then makes one last
  /// attempt (up to 5 s) to send the usage rows still queued.
  void stop();

  /// The control plane's version of the document being served; 0 before any.
  std::uint64_t configVersion() const { return version_.load(std::memory_order_acquire); }
  /// Whether a document is being served (from the control plane or the state file).
  bool ready() const { return configVersion() != 0; }
  /// Whether the last long poll reached the control plane.
  bool connected() const { return connected_.load(std::memory_order_acquire); }

private:
  boost::asio::awaitable<void> configLoop();
  boost::asio::awaitable<void> heartbeatLoop();
  boost::asio::awaitable<void> usageLoop();
  /// Sends queued rows until the queue is empty, a send fails (the batch goes back) or, unless
  /// `final`, the sync is stopping. True when every row was sent.
  boost::asio::awaitable<bool> sendQueuedUsage(bool final);
  boost::asio::awaitable<void> finalUsage();
  /// Waits `d` (or until woken/cancelled); false once stopping.
  boost::asio::awaitable<bool> pause(std::chrono::milliseconds d,
                                     boost::asio::steady_timer* timer = nullptr);
  /// Spawns `loop` on the executor with a cancellation slot; the future is ready when it ends.
  std::future<void> spawn(boost::asio::awaitable<void> (AgentSync::*loop)(), std::size_t slot);
  /// Emits terminal cancellation on `slots` (on the loop thread) and waits for `done`.
  void cancelAndWait(std::vector<std::future<void>>& done, std::size_t first, std::size_t count);

  boost::asio::any_io_executor executor_;
  ControlPlaneClient& control_plane_;
  BlockingPool& pool_;
  const StateFile& state_;
  UsageQueue& usage_;
  AgentSyncHooks hooks_;
  AgentSyncOptions options_;
  Backoff config_backoff_;
  Backoff usage_backoff_;
  std::atomic<std::uint64_t> version_{0};
  std::uint64_t rejected_version_ = 0;  ///< loop thread only
  std::atomic<bool> connected_{false};
  std::atomic<bool> stopping_{false};
  boost::asio::steady_timer usage_wake_;
  boost::asio::steady_timer heartbeat_wake_;  ///< cancelled to report a new version at once
  boost::asio::cancellation_signal signals_[4];  ///< config, heartbeat, usage, final usage
  std::vector<std::future<void>> running_;
  bool started_ = false;
};

}  // namespace gw::agents
