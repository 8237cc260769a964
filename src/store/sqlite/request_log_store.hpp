#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/json.hpp"
#include "core/result.hpp"
#include "store/sqlite/database.hpp"

namespace gw::store {

/// One request as the usage log records it (one row of request_logs). Filled by the data plane
/// when a request ends; never holds prompt text unless logging prompts is switched on.
struct UsageRecord {
  std::chrono::system_clock::time_point time;  ///< when the request arrived
  std::string request_id;
  std::optional<std::int64_t> key_id;
  std::string key_name;
  std::string model;  ///< public model name the client asked for
  std::optional<std::int64_t> provider_id;
  std::string provider_name;
  int status = 0;  ///< HTTP status sent to the client (>= 400 is an error)
  std::int64_t latency_ms = 0;
  std::optional<std::int64_t> ttfb_ms;  ///< time to the first byte sent to the client
  double overhead_ms = 0;               ///< gateway time outside the upstream calls
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  std::int64_t cached_tokens = 0;
  double cost_usd = 0;
  int attempts = 1;
  std::string route_path;  ///< e.g. "config:prod/fallback[1]/openai-main"
  bool stream = false;
  std::string error;                  ///< empty when the request succeeded
  std::optional<std::string> prompt;  ///< request body, only with log_prompts on
  std::string agent;  ///< the agent that served the request; empty = this node
  /// Agent mode: the request was forwarded by the control plane, which logs it itself; the
  /// agent counts it but does not upload it. Not stored.
  bool forwarded = false;
};

/// A half-open time range [from, to); an absent end is unbounded.
struct TimeRange {
  std::optional<std::chrono::system_clock::time_point> from;
  std::optional<std::chrono::system_clock::time_point> to;
};

/// Which statuses a log listing keeps.
struct StatusFilter {
  enum class Kind { Any, Success, Error, Exact };
  Kind kind = Kind::Any;
  int code = 0;  ///< for Exact

  /// "success" (status < 400), "error" (>= 400) or an HTTP status such as "429"; empty = any.
  static std::optional<StatusFilter> parse(std::string_view text);
};

/// Filters and paging of GET /api/admin/logs.
struct LogFilter {
  std::optional<std::int64_t> key_id;
  std::optional<std::string> model;
  std::optional<std::int64_t> provider_id;
  std::optional<std::string> agent;  ///< exact agent name
  StatusFilter status;
  TimeRange range;
  std::int64_t page = 1;        ///< from 1
  std::int64_t page_size = 20;  ///< clamped to 1..200
};

/// A page of logs: {"data":[log...],"total":N} in the API's shape.
struct LogPage {
  json::array data;
  std::int64_t total = 0;
};

enum class StatsInterval { Hour, Day };
enum class BreakdownBy { Model, Key, Provider };

std::optional<StatsInterval> parseStatsInterval(std::string_view text);  ///< "hour" | "day"
std::optional<BreakdownBy> parseBreakdownBy(std::string_view text);  ///< "model"|"key"|"provider"

namespace sqlite {

/// request_logs in SQLite: batched inserts, the admin log listing and the dashboard's
/// statistics. Objects use the field names of docs/api.md ("Logs and statistics").
/// SQL lives in named constants; every value is a bound parameter.
/// @par Thread Safety
/// Every method locks the database for its unit of work, so the store may be used from any
/// thread; all of them block (call them from the blocking pool, never an event loop).
/// Failures come back as errors (ErrorCode::Internal), never as exceptions.
class RequestLogStore {
public:
  explicit RequestLogStore(Database& db) : db_(db) {}

  /// Inserts all rows in one transaction (all or nothing), with a statement prepared once per
  /// Database and reused by every batch.
  Result<void> insertBatch(std::span<const UsageRecord> rows);
  /// Newest first.
  Result<LogPage> list(const LogFilter& filter);
  /// One log with its prompt (when recorded); NotFound when absent.
  Result<json::object> get(std::int64_t id);
  /// {"requests","errors","prompt_tokens","completion_tokens","cached_tokens","tokens",
  /// "cost_usd","p50_latency_ms","p95_latency_ms"} (latencies null without requests).
  Result<json::object> overview(const TimeRange& range);
  /// [{"time","requests","errors","tokens","prompt_tokens","completion_tokens","cost_usd",
  /// "p50_latency_ms","p95_latency_ms"}] per UTC hour or day, oldest first. With both ends of
  /// the range given (and at most 10,000 buckets), empty buckets are included as zeros.
  Result<json::array> timeseries(StatsInterval interval, const TimeRange& range);
  /// [{"id","name","requests","errors","tokens","cost_usd"}], most requests first. For models
  /// id and name are the model name; for keys and providers the id (null for requests without
  /// one) and the latest name seen in the range.
  Result<json::array> breakdown(BreakdownBy by, const TimeRange& range);
  /// USD spent by `key_id` since `since` (to seed budgets at start).
  Result<double> spendByKeySince(std::int64_t key_id, std::chrono::system_clock::time_point since);
  /// When `key_id` last answered a request, as RFC 3339: its newest log row (an index seek on
  /// `(key_id, ts_ms)`), or nullopt when the log (within its retention) has none.
  Result<std::optional<std::string>> lastUsedAt(std::int64_t key_id);
  /// Deletes rows older than `cutoff`, in chunks so writers are not held up; returns how many.
  Result<std::int64_t> pruneOlderThan(std::chrono::system_clock::time_point cutoff);
  /// Number of rows (system status).
  Result<std::int64_t> count();

private:
  Database& db_;
};

}  // namespace sqlite
}  // namespace gw::store
