#include "agents/agent_sync.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/log.hpp"

namespace gw::agents {

namespace net = boost::asio;

namespace {

constexpr std::size_t kConfigSlot = 0;
constexpr std::size_t kHeartbeatSlot = 1;
constexpr std::size_t kUsageSlot = 2;
constexpr std::size_t kFinalSlot = 3;
constexpr auto kStopWait = std::chrono::seconds(5);

/// Log the first failure of a run and every tenth after it, not each retry.
bool worthLogging(int failures) { return failures == 1 || failures % 10 == 0; }

/// A 4xx other than 401 (key), 408 and 429 (try later): the batch itself is at fault.
bool refusedForGood(const Error& e) {
  const int status = e.upstream_status.value_or(0);
  return status >= 400 && status < 500 && status != 401 && status != 408 && status != 429;
}

Result<void> applyDocument(const AgentSyncHooks& hooks, const json::object& document) {
  return hooks.apply(document);
}

Result<void> saveState(const StateFile& state, const VersionedDocument& doc) {
  return state.save(doc);
}

}  // namespace

AgentSync::AgentSync(net::any_io_executor executor, ControlPlaneClient& control_plane,
                     BlockingPool& pool, const StateFile& state, UsageQueue& usage,
                     Random& random, AgentSyncHooks hooks, AgentSyncOptions options)
    : executor_(executor),
      control_plane_(control_plane),
      pool_(pool),
      state_(state),
      usage_(usage),
      hooks_(std::move(hooks)),
      options_(options),
      config_backoff_(options.backoff, random),
      usage_backoff_(options.backoff, random),
      usage_wake_(executor),
      heartbeat_wake_(executor) {
  usage_.onBatchReady([this] {
    net::post(executor_, [this] { usage_wake_.cancel(); });
  });
}

AgentSync::~AgentSync() {
  usage_.onBatchReady(nullptr);
}

bool AgentSync::loadState() {
  auto loaded = state_.load();
  if (!loaded) {
    if (loaded.error().code != ErrorCode::NotFound) {
      GW_LOG_WARN("agent state file ignored{}", log::kv("error", loaded.error().message));
    }
    return false;
  }
  if (auto applied = hooks_.apply(loaded->document); !applied) {
    GW_LOG_WARN("agent state file ignored: its document does not compile{}",
                log::kv("error", applied.error().message));
    return false;
  }
  version_.store(loaded->version, std::memory_order_release);
  GW_LOG_INFO("serving the last good config document from disk{}{}",
              log::kv("config_version", static_cast<long long>(loaded->version)),
              log::kv("path", state_.path().string()));
  return true;
}

std::future<void> AgentSync::spawn(net::awaitable<void> (AgentSync::*loop)(), std::size_t slot) {
  auto done = std::make_shared<std::promise<void>>();
  auto future = done->get_future();
  net::co_spawn(executor_, (this->*loop)(),
                net::bind_cancellation_slot(signals_[slot].slot(),
                                            [done](const std::exception_ptr&) { done->set_value(); }));
  return future;
}

void AgentSync::start() {
  if (started_) {
    return;
  }
  started_ = true;
  running_.push_back(spawn(&AgentSync::configLoop, kConfigSlot));
  running_.push_back(spawn(&AgentSync::heartbeatLoop, kHeartbeatSlot));
  running_.push_back(spawn(&AgentSync::usageLoop, kUsageSlot));
}

void AgentSync::cancelAndWait(std::vector<std::future<void>>& done, std::size_t first,
                              std::size_t count) {
  net::post(executor_, [this, first, count] {
    for (std::size_t i = first; i < first + count; ++i) {
      signals_[i].emit(net::cancellation_type::terminal);
    }
    usage_wake_.cancel();
    heartbeat_wake_.cancel();
  });
  for (auto& f : done) {
    if (f.wait_for(kStopWait) != std::future_status::ready) {
      GW_LOG_WARN("agent sync task did not stop in time");
    }
  }
}

void AgentSync::stop() {
  if (!started_ || stopping_.exchange(true)) {
    return;
  }
  cancelAndWait(running_, kConfigSlot, 3);
  running_.clear();
  if (usage_.size() == 0) {
    return;
  }
  std::vector<std::future<void>> last;
  last.push_back(spawn(&AgentSync::finalUsage, kFinalSlot));
  if (last.front().wait_for(kStopWait) != std::future_status::ready) {
    cancelAndWait(last, kFinalSlot, 1);
  }
  if (const auto left = usage_.size(); left > 0) {
    GW_LOG_WARN("usage rows not sent at shutdown{}", log::kv("rows", static_cast<long long>(left)));
  }
}

net::awaitable<bool> AgentSync::pause(std::chrono::milliseconds d, net::steady_timer* timer) {
  if (stopping_.load()) {
    co_return false;
  }
  std::optional<net::steady_timer> own;
  if (!timer) {
    own.emplace(executor_);
    timer = &*own;
  }
  timer->expires_after(d);
  auto [ec] = co_await timer->async_wait(net::as_tuple(net::use_awaitable));
  (void)ec;
  co_return !stopping_.load();
}

net::awaitable<void> AgentSync::configLoop() {
  while (!stopping_.load()) {
    // After a rejected document, wait for the next version instead of fetching it again.
    const auto known = rejected_version_ != 0 ? rejected_version_ : configVersion();
    auto fetched = co_await control_plane_.fetchConfig(known);
    if (stopping_.load()) {
      break;
    }
    if (!fetched) {
      connected_.store(false, std::memory_order_release);
      const auto delay = config_backoff_.next();
      if (worthLogging(config_backoff_.failures())) {
        GW_LOG_WARN("control plane unreachable; serving the current document{}{}{}",
                    log::kv("error", fetched.error().message),
                    log::kv("failures", config_backoff_.failures()),
                    log::kv("retry_ms", static_cast<long long>(delay.count())));
      }
      const bool go_on = co_await pause(delay);
      if (!go_on) {
        break;
      }
      continue;
    }
    if (!connected_.exchange(true) && config_backoff_.failures() > 0) {
      GW_LOG_INFO("control plane reachable again");
    }
    config_backoff_.reset();
    if (!*fetched) {
      continue;  // unchanged (304): poll again
    }
    VersionedDocument doc = std::move(**fetched);
    auto applied = co_await pool_.run([this, &doc] { return applyDocument(hooks_, doc.document); });
    if (!applied) {
      GW_LOG_ERROR("config document refused; still serving the previous one{}{}",
                   log::kv("config_version", static_cast<long long>(doc.version)),
                   log::kv("error", applied.error().message));
      rejected_version_ = doc.version;
      continue;
    }
    rejected_version_ = 0;
    version_.store(doc.version, std::memory_order_release);
    GW_LOG_INFO("config document applied{}",
                log::kv("config_version", static_cast<long long>(doc.version)));
    heartbeat_wake_.cancel();  // tell the control plane now, not at the next beat
    auto saved = co_await pool_.run([this, &doc] { return saveState(state_, doc); });
    if (!saved) {
      GW_LOG_WARN("cannot keep the config document on disk{}",
                  log::kv("error", saved.error().message));
    }
  }
}

net::awaitable<void> AgentSync::heartbeatLoop() {
  int failures = 0;
  while (!stopping_.load()) {
    Heartbeat h = hooks_.stats();
    const auto version = configVersion();
    h.config_version = version != 0 ? std::optional<std::uint64_t>(version) : std::nullopt;
    h.status = connected_.load() ? "ok" : "degraded";
    auto sent = co_await control_plane_.sendHeartbeat(h);
    if (!sent) {
      if (worthLogging(++failures)) {
        GW_LOG_WARN("heartbeat failed{}{}", log::kv("error", sent.error().message),
                    log::kv("failures", failures));
      }
    } else {
      failures = 0;
      if (configVersion() != version) {
        continue;  // a document arrived while this beat was on its way: report it now
      }
    }
    const bool go_on = co_await pause(options_.heartbeat_interval, &heartbeat_wake_);
    if (!go_on) {
      break;
    }
  }
}

net::awaitable<bool> AgentSync::sendQueuedUsage(bool final) {
  while (usage_.size() > 0 && (final || !stopping_.load())) {
    auto rows = usage_.take();
    auto sent = co_await control_plane_.sendUsage(rows);
    if (!sent && refusedForGood(sent.error())) {
      // Sending the same batch again would be refused again and block every later row.
      usage_.discard(rows.size());
      GW_LOG_WARN("usage batch refused by the control plane; dropped{}{}",
                  log::kv("rows", static_cast<long long>(rows.size())),
                  log::kv("error", sent.error().message));
      continue;
    }
    if (!sent) {
      usage_.putBack(std::move(rows));
      const auto delay = usage_backoff_.next();
      if (worthLogging(usage_backoff_.failures())) {
        GW_LOG_WARN("usage upload failed; rows kept for a retry{}{}{}",
                    log::kv("error", sent.error().message),
                    log::kv("queued", static_cast<long long>(usage_.size())),
                    log::kv("dropped", static_cast<long long>(usage_.dropped())));
      }
      if (!final) {
        const bool go_on = co_await pause(delay);
        (void)go_on;
      }
      co_return false;
    }
    usage_backoff_.reset();
  }
  co_return true;
}

net::awaitable<void> AgentSync::usageLoop() {
  while (!stopping_.load()) {
    // GCC 12 miscompiles co_await inside a && condition (SIGILL): await in statements only.
    if (usage_.size() < usage_.batchRows()) {
      const bool go_on = co_await pause(options_.usage_interval, &usage_wake_);
      if (!go_on) {
        break;
      }
    }
    const bool all_sent = co_await sendQueuedUsage(false);
    (void)all_sent;
  }
}

net::awaitable<void> AgentSync::finalUsage() {
  const bool all_sent = co_await sendQueuedUsage(true);
  (void)all_sent;
}

}  // namespace gw::agents
