#include "admin/routes.hpp"

#include <charconv>
#include <limits>

#include "store/sqlite/request_log_store.hpp"

// Request logs and statistics (docs/api.md "Logs and statistics"), read from the usage log.
// Every query parameter is checked: a bad value answers 400 naming the parameter.

namespace gw::admin {

namespace {

constexpr std::int64_t kMaxId = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMaxPageSize = 200;
constexpr auto kDefaultSeriesSpan = std::chrono::hours(24);

/// Reads typed query parameters, collecting a FieldError per bad one. Absent and empty
/// parameters read as nullopt.
class QueryReader {
public:
  explicit QueryReader(const RequestContext& rc) : rc_(rc) {}

  std::optional<std::int64_t> integer(const char* name, std::int64_t min, std::int64_t max) {
    const std::string text = rc_.queryParam(name);
    if (text.empty()) {
      return std::nullopt;
    }
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || p != text.data() + text.size() || v < min || v > max) {
      fail(name, "must be a whole number from " + std::to_string(min) +
                     (max == kMaxId ? std::string(" up") : " to " + std::to_string(max)));
      return std::nullopt;
    }
    return v;
  }

  std::optional<std::chrono::system_clock::time_point> time(const char* name) {
    const std::string text = rc_.queryParam(name);
    if (text.empty()) {
      return std::nullopt;
    }
    std::chrono::system_clock::time_point t;
    if (!parseRfc3339(text, t)) {
      fail(name, "must be an RFC 3339 time, e.g. 2026-01-31T00:00:00Z");
      return std::nullopt;
    }
    return t;
  }

  /// `from` and `to`; `to` must come after `from`.
  store::TimeRange range() {
    store::TimeRange r;
    r.from = time("from");
    r.to = time("to");
    if (r.from && r.to && *r.to <= *r.from) {
      fail("to", "must be after from");
    }
    return r;
  }

  std::string text(const char* name) const { return rc_.queryParam(name); }
  void fail(std::string path, std::string message) {
    errors_.push_back({std::move(path), std::move(message)});
  }
  bool ok() const { return errors_.empty(); }
  const std::vector<http::FieldError>& errors() const { return errors_; }

private:
  const RequestContext& rc_;
  std::vector<http::FieldError> errors_;
};

/// Sends the error of a failed store call; false when it succeeded.
template <class T>
net::awaitable<bool> sendIfFailed(RequestContext& rc, const Result<T>& r) {
  if (r) {
    co_return false;
  }
  co_await sendError(rc, r.error());
  co_return true;
}

net::awaitable<void> listLogs(AdminDeps& d, RequestContext& rc) {
  QueryReader q(rc);
  store::LogFilter filter;
  filter.key_id = q.integer("key_id", 1, kMaxId);
  filter.provider_id = q.integer("provider_id", 1, kMaxId);
  if (auto model = q.text("model"); !model.empty()) {
    filter.model = std::move(model);
  }
  if (auto agent = q.text("agent"); !agent.empty()) {
    filter.agent = std::move(agent);
  }
  if (auto status = store::StatusFilter::parse(q.text("status"))) {
    filter.status = *status;
  } else {
    q.fail("status", "must be success, error or an HTTP status code");
  }
  filter.range = q.range();
  filter.page = q.integer("page", 1, kMaxId).value_or(1);
  filter.page_size = q.integer("page_size", 1, kMaxPageSize).value_or(20);
  if (!q.ok()) {
    co_await sendInvalid(rc, q.errors());
    co_return;
  }
  auto page = co_await d.pool.run([&] { return d.logs.list(filter); });
  const bool awaited1 = co_await sendIfFailed(rc, page);
  if (awaited1) {
    co_return;
  }
  co_await rc.sendJson(200, pageJson(std::move(page->data), page->total));
}

net::awaitable<void> getLog(AdminDeps& d, RequestContext& rc) {
  auto id = co_await pathId(rc);
  if (!id) {
    co_return;
  }
  auto log = co_await d.pool.run([&] { return d.logs.get(*id); });
  const bool awaited2 = co_await sendIfFailed(rc, log);
  if (awaited2) {
    co_return;
  }
  co_await rc.sendJson(200, *log);
}

net::awaitable<void> getOverview(AdminDeps& d, RequestContext& rc) {
  QueryReader q(rc);
  const auto range = q.range();
  if (!q.ok()) {
    co_await sendInvalid(rc, q.errors());
    co_return;
  }
  auto overview = co_await d.pool.run([&] { return d.logs.overview(range); });
  const bool awaited3 = co_await sendIfFailed(rc, overview);
  if (awaited3) {
    co_return;
  }
  co_await rc.sendJson(200, *overview);
}

net::awaitable<void> getTimeseries(AdminDeps& d, RequestContext& rc) {
  QueryReader q(rc);
  auto range = q.range();
  const std::string interval_text = q.text("interval");
  const auto interval =
      interval_text.empty() ? std::optional(store::StatsInterval::Hour)
                            : store::parseStatsInterval(interval_text);
  if (!interval) {
    q.fail("interval", "must be hour or day");
  }
  if (!q.ok()) {
    co_await sendInvalid(rc, q.errors());
    co_return;
  }
  if (!range.from && !range.to) {
    // The dashboard's default: the last 24 hours, with empty buckets as zeros.
    range.to = d.clock.now();
    range.from = *range.to - kDefaultSeriesSpan;
  }
  auto series = co_await d.pool.run([&] { return d.logs.timeseries(*interval, range); });
  const bool awaited4 = co_await sendIfFailed(rc, series);
  if (awaited4) {
    co_return;
  }
  json::object answer;
  answer["data"] = std::move(*series);
  co_await rc.sendJson(200, answer);
}

net::awaitable<void> getBreakdown(AdminDeps& d, RequestContext& rc) {
  QueryReader q(rc);
  const auto range = q.range();
  const std::string by_text = q.text("by");
  const auto by = by_text.empty() ? std::optional(store::BreakdownBy::Model)
                                  : store::parseBreakdownBy(by_text);
  if (!by) {
    q.fail("by", "must be model, key or provider");
  }
  if (!q.ok()) {
    co_await sendInvalid(rc, q.errors());
    co_return;
  }
  auto rows = co_await d.pool.run([&] { return d.logs.breakdown(*by, range); });
  const bool awaited5 = co_await sendIfFailed(rc, rows);
  if (awaited5) {
    co_return;
  }
  json::object answer;
  answer["data"] = std::move(*rows);
  co_await rc.sendJson(200, answer);
}

using LogHandler = net::awaitable<void> (*)(AdminDeps&, RequestContext&);

http::Handler wrap(AdminDeps& d, LogHandler h) {
  return guarded(d.jwt, d.clock, [&d, h](RequestContext& rc, const auth::Claims&) {
    return h(d, rc);
  });
}

}  // namespace

void registerLogRoutes(http::Router& r, AdminDeps& d) {
  r.add("GET", "/api/admin/logs", wrap(d, listLogs));
  r.add("GET", "/api/admin/logs/:id", wrap(d, getLog));
  r.add("GET", "/api/admin/stats/overview", wrap(d, getOverview));
  r.add("GET", "/api/admin/stats/timeseries", wrap(d, getTimeseries));
  r.add("GET", "/api/admin/stats/breakdown", wrap(d, getBreakdown));
}

}  // namespace gw::admin
