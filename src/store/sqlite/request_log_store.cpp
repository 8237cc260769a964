#include "store/sqlite/request_log_store.hpp"

#include <algorithm>
#include <charconv>
#include <functional>
#include <limits>
#include <map>
#include <type_traits>
#include <vector>

#include "core/clock.hpp"

namespace gw::store {

std::optional<StatusFilter> StatusFilter::parse(std::string_view text) {
  StatusFilter f;
  if (text.empty()) {
    return f;
  }
  if (text == "success") {
    f.kind = Kind::Success;
    return f;
  }
  if (text == "error") {
    f.kind = Kind::Error;
    return f;
  }
  int code = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), code);
  if (ec != std::errc{} || end != text.data() + text.size() || code < 100 || code > 599) {
    return std::nullopt;
  }
  f.kind = Kind::Exact;
  f.code = code;
  return f;
}

std::optional<StatsInterval> parseStatsInterval(std::string_view text) {
  if (text == "hour") {
    return StatsInterval::Hour;
  }
  if (text == "day") {
    return StatsInterval::Day;
  }
  return std::nullopt;
}

std::optional<BreakdownBy> parseBreakdownBy(std::string_view text) {
  if (text == "model") {
    return BreakdownBy::Model;
  }
  if (text == "key") {
    return BreakdownBy::Key;
  }
  if (text == "provider") {
    return BreakdownBy::Provider;
  }
  return std::nullopt;
}

namespace sqlite {

namespace {

using std::chrono::system_clock;

constexpr std::string_view kInsertInto = R"sql(
INSERT INTO request_logs (ts_ms, request_id, key_id, key_name, model, provider_id, provider_name,
  status, latency_ms, ttfb_ms, overhead_ms, prompt_tokens, completion_tokens, cached_tokens,
  cost_usd, attempts, route_path, stream, error, prompt, agent) VALUES )sql";
/// Parameters per inserted row.
constexpr int kInsertColumns = 21;
/// Rows per multi-row INSERT: one statement run (its start, its end, the AUTOINCREMENT counter's
/// update) serves this many rows.
constexpr std::size_t kRowsPerInsert = 16;

/// Columns of a log object, in the order logToJson() reads them.
constexpr std::string_view kLogColumns =
    "SELECT id, ts_ms, request_id, key_id, key_name, model, provider_id, provider_name, status, "
    "latency_ms, ttfb_ms, overhead_ms, prompt_tokens, completion_tokens, cached_tokens, cost_usd, "
    "attempts, route_path, stream, error, prompt, agent FROM request_logs";
constexpr std::string_view kCount = "SELECT COUNT(*) FROM request_logs";
constexpr std::string_view kGetWhere = " WHERE id = ?1";

// Filter fragments of the log listing, joined with AND; each binds one value.
constexpr std::string_view kWhereFrom = "ts_ms >= ?";
constexpr std::string_view kWhereTo = "ts_ms < ?";
constexpr std::string_view kWhereKey = "key_id = ?";
constexpr std::string_view kWhereModel = "model = ?";
constexpr std::string_view kWhereProvider = "provider_id = ?";
constexpr std::string_view kWhereAgent = "agent = ?";
constexpr std::string_view kWhereStatusExact = "status = ?";
constexpr std::string_view kWhereSuccess = "status < 400";  // binds nothing
constexpr std::string_view kWhereError = "status >= 400";   // binds nothing
constexpr std::string_view kOrderPage = " ORDER BY ts_ms DESC, id DESC LIMIT ? OFFSET ?";

/// Totals and nearest-rank latency percentiles per bucket of ?1 ms over [?2, ?3). Rank of the
/// p-th percentile among cnt rows: ceil(p * cnt / 100), written in integers.
constexpr std::string_view kAggregate = R"sql(
WITH w AS (
  SELECT ts_ms / ?1 AS bucket, status, prompt_tokens, completion_tokens, cached_tokens, cost_usd,
         latency_ms,
         ROW_NUMBER() OVER (PARTITION BY ts_ms / ?1 ORDER BY latency_ms) AS rn,
         COUNT(*) OVER (PARTITION BY ts_ms / ?1) AS cnt
  FROM request_logs WHERE ts_ms >= ?2 AND ts_ms < ?3)
SELECT bucket, COUNT(*), SUM(status >= 400), SUM(prompt_tokens), SUM(completion_tokens),
       SUM(cached_tokens), SUM(cost_usd),
       MAX(CASE WHEN rn = (cnt * 50 + 99) / 100 THEN latency_ms END),
       MAX(CASE WHEN rn = (cnt * 95 + 99) / 100 THEN latency_ms END)
FROM w GROUP BY bucket ORDER BY bucket
)sql";

constexpr std::string_view kBreakdownModel = R"sql(
SELECT model, model, COUNT(*), SUM(status >= 400), SUM(prompt_tokens + completion_tokens),
       SUM(cost_usd)
FROM request_logs WHERE ts_ms >= ?1 AND ts_ms < ?2 GROUP BY model ORDER BY COUNT(*) DESC, model
)sql";
// Keys and providers: the name is a bare column next to the one max() aggregate, so SQLite
// takes it from the row holding MAX(ts_ms), i.e. the latest name in the range (documented:
// sqlite.org/lang_select.html, "bare columns in an aggregate query"). The max is column 6,
// read by no one. This needs no index on key_id or provider_id, unlike a subquery per group.
constexpr std::string_view kBreakdownKey = R"sql(
SELECT key_id, key_name, COUNT(*), SUM(status >= 400), SUM(prompt_tokens + completion_tokens),
       SUM(cost_usd), MAX(ts_ms)
FROM request_logs WHERE ts_ms >= ?1 AND ts_ms < ?2 GROUP BY key_id
ORDER BY COUNT(*) DESC, key_id
)sql";
constexpr std::string_view kBreakdownProvider = R"sql(
SELECT provider_id, provider_name, COUNT(*), SUM(status >= 400),
       SUM(prompt_tokens + completion_tokens), SUM(cost_usd), MAX(ts_ms)
FROM request_logs WHERE ts_ms >= ?1 AND ts_ms < ?2 GROUP BY provider_id
ORDER BY COUNT(*) DESC, provider_id
)sql";

constexpr std::string_view kSpendSince =
    "SELECT COALESCE(SUM(cost_usd), 0) FROM request_logs WHERE key_id = ?1 AND ts_ms >= ?2";
constexpr std::string_view kLastUsed = "SELECT MAX(ts_ms) FROM request_logs WHERE key_id = ?1";
constexpr std::string_view kPruneChunk =
    "DELETE FROM request_logs WHERE id IN "
    "(SELECT id FROM request_logs WHERE ts_ms < ?1 LIMIT ?2)";
constexpr std::int64_t kPruneChunkRows = 5000;

constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kDayMs = 24 * kHourMs;
constexpr std::int64_t kMaxFilledBuckets = 10'000;

std::int64_t toMs(system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

/// The INSERT of `rows` rows, with positional parameters.
std::string insertSql(std::size_t rows) {
  std::string sql(kInsertInto);
  for (std::size_t r = 0; r < rows; ++r) {
    sql += r == 0 ? "(" : ", (";
    for (int c = 0; c < kInsertColumns; ++c) {
      sql += c == 0 ? "?" : ", ?";
    }
    sql += ')';
  }
  return sql;
}

/// Binds `r` as the row whose first parameter is `first`. Texts are bound in place: the rows
/// outlive the statement's run, and Database::cached() clears the bindings before reuse.
void bindRow(Statement& st, int first, const UsageRecord& r) {
  const auto text = [&](int column, const std::string& value, bool null_when_empty) {
    if (null_when_empty && value.empty()) {
      st.bindNull(first + column);
    } else {
      st.bindView(first + column, value);
    }
  };
  st.bind(first, toMs(r.time));
  text(1, r.request_id, false);
  st.bind(first + 2, r.key_id);
  text(3, r.key_name, false);
  text(4, r.model, false);
  st.bind(first + 5, r.provider_id);
  text(6, r.provider_name, false);
  st.bind(first + 7, r.status)
      .bind(first + 8, r.latency_ms)
      .bind(first + 9, r.ttfb_ms)
      .bind(first + 10, r.overhead_ms)
      .bind(first + 11, r.prompt_tokens)
      .bind(first + 12, r.completion_tokens)
      .bind(first + 13, r.cached_tokens)
      .bind(first + 14, r.cost_usd)
      .bind(first + 15, r.attempts);
  text(16, r.route_path, false);
  st.bind(first + 17, r.stream);
  text(18, r.error, true);
  if (r.prompt) {
    st.bindView(first + 19, *r.prompt);
  } else {
    st.bindNull(first + 19);
  }
  text(20, r.agent, true);
}

std::string msToRfc3339(std::int64_t ms) {
  return formatRfc3339(system_clock::time_point{std::chrono::milliseconds{ms}});
}

std::int64_t fromMs(const TimeRange& r) {
  return r.from ? toMs(*r.from) : std::numeric_limits<std::int64_t>::min();
}
std::int64_t toMsEnd(const TimeRange& r) {
  return r.to ? toMs(*r.to) : std::numeric_limits<std::int64_t>::max();
}

json::value optInt(const Statement& st, int col) {
  return st.isNull(col) ? json::value(nullptr) : json::value(st.int64(col));
}

json::object logToJson(const Statement& st, bool with_prompt) {
  json::object o;
  o["id"] = st.int64(0);
  o["time"] = msToRfc3339(st.int64(1));
  o["request_id"] = st.text(2);
  o["key_id"] = optInt(st, 3);
  o["key_name"] = st.text(4);
  o["model"] = st.text(5);
  o["provider_id"] = optInt(st, 6);
  o["provider_name"] = st.text(7);
  o["status"] = st.int64(8);
  o["latency_ms"] = st.int64(9);
  o["ttfb_ms"] = optInt(st, 10);
  o["overhead_ms"] = st.isNull(11) ? json::value(nullptr) : json::value(st.real(11));
  o["prompt_tokens"] = st.int64(12);
  o["completion_tokens"] = st.int64(13);
  o["cached_tokens"] = st.int64(14);
  o["cost_usd"] = st.real(15);
  o["attempts"] = st.int64(16);
  o["route_path"] = st.text(17);
  o["stream"] = st.int64(18) != 0;
  o["error"] = st.isNull(19) ? json::value(nullptr) : json::value(st.text(19));
  o["agent"] = st.isNull(21) ? json::value(nullptr) : json::value(st.text(21));
  if (with_prompt) {
    o["prompt"] = st.isNull(20) ? json::value(nullptr) : json::value(st.text(20));
  }
  return o;
}

/// One aggregate row of kAggregate.
struct Bucket {
  std::int64_t requests = 0;
  std::int64_t errors = 0;
  std::int64_t prompt = 0;
  std::int64_t completion = 0;
  std::int64_t cached = 0;
  double cost = 0;
  json::value p50 = nullptr;
  json::value p95 = nullptr;

  static Bucket read(const Statement& st) {
    return Bucket{st.int64(1), st.int64(2), st.int64(3), st.int64(4), st.int64(5), st.real(6),
                  optInt(st, 7), optInt(st, 8)};
  }
  json::object toJson() const {
    return json::object{{"requests", requests},
                        {"errors", errors},
                        {"prompt_tokens", prompt},
                        {"completion_tokens", completion},
                        {"cached_tokens", cached},
                        {"tokens", prompt + completion},
                        {"cost_usd", cost},
                        {"p50_latency_ms", p50},
                        {"p95_latency_ms", p95}};
  }
};

/// Runs `fn` under the database lock, turning store failures into errors.
template <class Fn>
auto locked(Database& db, Fn&& fn) -> Result<decltype(fn())> {
  try {
    auto guard = db.lock();
    if constexpr (std::is_void_v<decltype(fn())>) {
      fn();
      return {};
    } else {
      return fn();
    }
  } catch (const StoreError& e) {
    return Error::internal(std::string("request log store: ") + e.what());
  }
}

}  // namespace

Result<void> RequestLogStore::insertBatch(std::span<const UsageRecord> rows) {
  static const std::string kInsertMany = insertSql(kRowsPerInsert);
  static const std::string kInsertOne = insertSql(1);
  return locked(db_, [&] {
    Transaction tx(db_);
    // Prepared once per Database. Every run binds all its parameters, so rewind() suffices.
    std::size_t i = 0;
    if (rows.size() >= kRowsPerInsert) {
      auto& many = db_.cached(kInsertMany);
      for (; rows.size() - i >= kRowsPerInsert; i += kRowsPerInsert) {
        for (std::size_t r = 0; r < kRowsPerInsert; ++r) {
          bindRow(many, 1 + static_cast<int>(r) * kInsertColumns, rows[i + r]);
        }
        many.run();
        many.rewind();
      }
    }
    if (i < rows.size()) {
      auto& one = db_.cached(kInsertOne);
      for (; i < rows.size(); ++i) {
        bindRow(one, 1, rows[i]);
        one.run();
        one.rewind();
      }
    }
    tx.commit();
  });
}

Result<LogPage> RequestLogStore::list(const LogFilter& f) {
  // The WHERE clause is built from the fixed fragments above; values are bound in order.
  std::string where;
  std::vector<std::function<void(Statement&, int)>> binders;
  auto add = [&](std::string_view fragment) {
    where += where.empty() ? " WHERE " : " AND ";
    where += fragment;
  };
  auto addValue = [&](std::string_view fragment, auto value) {
    add(fragment);
    binders.push_back([value](Statement& st, int i) { st.bind(i, value); });
  };
  if (f.range.from) {
    addValue(kWhereFrom, toMs(*f.range.from));
  }
  if (f.range.to) {
    addValue(kWhereTo, toMs(*f.range.to));
  }
  if (f.key_id) {
    addValue(kWhereKey, *f.key_id);
  }
  if (f.model) {
    addValue(kWhereModel, *f.model);
  }
  if (f.provider_id) {
    addValue(kWhereProvider, *f.provider_id);
  }
  if (f.agent) {
    addValue(kWhereAgent, *f.agent);
  }
  switch (f.status.kind) {
    case StatusFilter::Kind::Any: break;
    case StatusFilter::Kind::Success: add(kWhereSuccess); break;
    case StatusFilter::Kind::Error: add(kWhereError); break;
    case StatusFilter::Kind::Exact: addValue(kWhereStatusExact, f.status.code); break;
  }
  const std::int64_t size = std::clamp<std::int64_t>(f.page_size, 1, 200);
  const std::int64_t page = std::max<std::int64_t>(f.page, 1);
  return locked(db_, [&] {
    LogPage out;
    auto count = db_.prepare(std::string(kCount) + where);
    for (std::size_t i = 0; i < binders.size(); ++i) {
      binders[i](count, static_cast<int>(i + 1));
    }
    out.total = count.step() ? count.int64(0) : 0;
    auto st = db_.prepare(std::string(kLogColumns) + where + std::string(kOrderPage));
    const int n = static_cast<int>(binders.size());
    for (int i = 0; i < n; ++i) {
      binders[static_cast<std::size_t>(i)](st, i + 1);
    }
    st.bind(n + 1, size).bind(n + 2, (page - 1) * size);
    while (st.step()) {
      out.data.push_back(logToJson(st, false));
    }
    return out;
  });
}

Result<json::object> RequestLogStore::get(std::int64_t id) {
  auto r = locked(db_, [&]() -> std::optional<json::object> {
    auto st = db_.prepare(std::string(kLogColumns) + std::string(kGetWhere));
    st.bind(1, id);
    if (!st.step()) {
      return std::nullopt;
    }
    return logToJson(st, true);
  });
  if (!r) {
    return r.error();
  }
  if (!*r) {
    return Error::notFound("log " + std::to_string(id) + " not found");
  }
  return std::move(**r);
}

Result<json::object> RequestLogStore::overview(const TimeRange& range) {
  return locked(db_, [&] {
    auto st = db_.prepare(kAggregate);
    st.bind(1, std::numeric_limits<std::int64_t>::max()).bind(2, fromMs(range)).bind(3,
                                                                                    toMsEnd(range));
    // Timestamps are positive, so every row falls in bucket 0 (or none without rows).
    return st.step() ? Bucket::read(st).toJson() : Bucket{}.toJson();
  });
}

Result<json::array> RequestLogStore::timeseries(StatsInterval interval, const TimeRange& range) {
  const std::int64_t width = interval == StatsInterval::Hour ? kHourMs : kDayMs;
  return locked(db_, [&] {
    auto st = db_.prepare(kAggregate);
    st.bind(1, width).bind(2, fromMs(range)).bind(3, toMsEnd(range));
    std::map<std::int64_t, Bucket> buckets;
    while (st.step()) {
      buckets.emplace(st.int64(0), Bucket::read(st));
    }
    if (range.from && range.to) {
      const std::int64_t first = toMs(*range.from) / width;
      const std::int64_t last = (toMs(*range.to) - 1) / width;
      if (last >= first && last - first < kMaxFilledBuckets) {
        for (std::int64_t b = first; b <= last; ++b) {
          buckets.try_emplace(b);
        }
      }
    }
    json::array out;
    for (const auto& [b, v] : buckets) {
      json::object o = v.toJson();
      o["time"] = msToRfc3339(b * width);
      out.push_back(std::move(o));
    }
    return out;
  });
}

Result<json::array> RequestLogStore::breakdown(BreakdownBy by, const TimeRange& range) {
  std::string_view sql = kBreakdownModel;
  switch (by) {
    case BreakdownBy::Model: sql = kBreakdownModel; break;
    case BreakdownBy::Key: sql = kBreakdownKey; break;
    case BreakdownBy::Provider: sql = kBreakdownProvider; break;
  }
  return locked(db_, [&] {
    auto st = db_.prepare(sql);
    st.bind(1, fromMs(range)).bind(2, toMsEnd(range));
    json::array out;
    while (st.step()) {
      json::object o;
      o["id"] = by == BreakdownBy::Model ? json::value(st.text(0)) : optInt(st, 0);
      o["name"] = st.text(1);
      o["requests"] = st.int64(2);
      o["errors"] = st.int64(3);
      o["tokens"] = st.int64(4);
      o["cost_usd"] = st.real(5);
      out.push_back(std::move(o));
    }
    return out;
  });
}

Result<double> RequestLogStore::spendByKeySince(std::int64_t key_id,
                                                system_clock::time_point since) {
  return locked(db_, [&] {
    auto st = db_.prepare(kSpendSince);
    st.bind(1, key_id).bind(2, toMs(since));
    return st.step() ? st.real(0) : 0.0;
  });
}

Result<std::optional<std::string>> RequestLogStore::lastUsedAt(std::int64_t key_id) {
  return locked(db_, [&]() -> std::optional<std::string> {
    auto st = db_.prepare(kLastUsed);
    st.bind(1, key_id);
    if (!st.step() || st.isNull(0)) {
      return std::nullopt;
    }
    return msToRfc3339(st.int64(0));
  });
}

Result<std::int64_t> RequestLogStore::pruneOlderThan(system_clock::time_point cutoff) {
  std::int64_t total = 0;
  for (;;) {
    // One chunk per lock, so the log writer's batches interleave with a long prune.
    auto n = locked(db_, [&] {
      auto st = db_.prepare(kPruneChunk);
      st.bind(1, toMs(cutoff)).bind(2, kPruneChunkRows);
      st.run();
      return static_cast<std::int64_t>(db_.changes());
    });
    if (!n) {
      return n.error();
    }
    total += *n;
    if (*n < kPruneChunkRows) {
      return total;
    }
  }
}

Result<std::int64_t> RequestLogStore::count() {
  return locked(db_, [&] {
    auto st = db_.prepare(kCount);
    return st.step() ? st.int64(0) : std::int64_t{0};
  });
}

}  // namespace sqlite
}  // namespace gw::store
