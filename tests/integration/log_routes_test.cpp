// Integration tests of /api/admin/logs and /api/admin/stats/*.
//
// Rows are written through a second connection to the gateway's database file (WAL lets both
// connections in), as the usage log writer would write them.

#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <thread>

#include "core/clock.hpp"
#include "integration/test_support.hpp"
#include "store/sqlite/request_log_store.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace gw::test {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

class LogRoutes : public ::testing::Test {
public:
  HttpResponse get(const std::string& path) { return gw.authed(token, "GET", path); }

  /// Three requests an hour apart, two hours ago at the earliest: two successes on key 1
  /// (gpt-4o via provider 1), one 429 on key 2 (claude via provider 2).
  void seed() {
    auto store = store::sqlite::openSqliteStore((gw.dir().path() / "gateway.db").string());
    store::sqlite::RequestLogStore logs(store::sqlite::databaseOf(*store));
    const auto base = std::chrono::system_clock::now() - hours(2) - minutes(30);
    std::vector<store::UsageRecord> rows(3);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      auto& r = rows[i];
      r.time = base + hours(static_cast<int>(i));
      r.request_id = "req-" + std::to_string(i);
      r.latency_ms = 100 * static_cast<std::int64_t>(i + 1);
      r.route_path = "model:gpt-4o/openai-main";
    }
    for (int i : {0, 1}) {
      rows[i].key_id = 1;
      rows[i].key_name = "team-a";
      rows[i].model = "gpt-4o";
      rows[i].provider_id = 1;
      rows[i].provider_name = "openai-main";
      rows[i].status = 200;
      rows[i].prompt_tokens = 10;
      rows[i].completion_tokens = 5;
      rows[i].cost_usd = 0.01;
    }
    rows[2].key_id = 2;
    rows[2].key_name = "team-b";
    rows[2].model = "claude";
    rows[2].provider_id = 2;
    rows[2].provider_name = "anthropic-main";
    rows[2].status = 429;
    rows[2].error = "rate limited upstream";
    ASSERT_TRUE(logs.insertBatch(rows));
    from = formatRfc3339(base - hours(1));
    to = formatRfc3339(base + hours(4));
  }

  TestGateway gw;
  std::string token = gw.registerAdmin();
  std::string from, to;
};

std::set<std::string> keysOf(const json::value& v) {
  std::set<std::string> out;
  for (const auto& [k, _] : v.as_object()) {
    out.insert(std::string(k));
  }
  return out;
}

std::set<std::string> detailPaths(const HttpResponse& r) {
  std::set<std::string> out;
  const json::value r_doc = r.json();
  if (const auto* details = r_doc.at("error").as_object().if_contains("details")) {
    for (const auto& d : details->as_array()) {
      out.insert(std::string(d.at("path").as_string()));
    }
  }
  return out;
}

TEST_F(LogRoutes, EmptyDatabaseShapes) {
  auto logs = get("/api/admin/logs");
  ASSERT_EQ(logs.status, 200) << logs.body;
  EXPECT_EQ(logs.json(), json::parse(R"({"data":[],"total":0})"));
  EXPECT_EQ(get("/api/admin/logs/1").status, 404);
  EXPECT_EQ(get("/api/admin/logs/x").status, 404);

  auto overview = get("/api/admin/stats/overview");
  ASSERT_EQ(overview.status, 200) << overview.body;
  for (const char* k : {"requests", "errors", "prompt_tokens", "completion_tokens", "cost_usd",
                        "p50_latency_ms", "p95_latency_ms"}) {
    EXPECT_TRUE(overview.json().as_object().contains(k)) << k;
  }
  EXPECT_EQ(overview.json().at("requests").as_int64(), 0);

  // Default: the last 24 hours, hourly, empty buckets as zeros.
  auto series = get("/api/admin/stats/timeseries");
  ASSERT_EQ(series.status, 200) << series.body;
  const json::value points_doc = series.json();
  const auto& points = points_doc.at("data").as_array();
  EXPECT_GE(points.size(), 24u);
  EXPECT_LE(points.size(), 25u);
  for (const char* k : {"time", "requests", "errors", "tokens", "cost_usd"}) {
    EXPECT_TRUE(points.at(0).as_object().contains(k)) << k;
  }
  EXPECT_EQ(points.at(0).at("requests").as_int64(), 0);

  auto daily = get("/api/admin/stats/timeseries?interval=day&from=2026-01-01T00:00:00Z"
                   "&to=2026-01-08T00:00:00Z");
  ASSERT_EQ(daily.status, 200) << daily.body;
  EXPECT_EQ(daily.json().at("data").as_array().size(), 7u);

  for (const char* by : {"model", "key", "provider"}) {
    auto r = get(std::string("/api/admin/stats/breakdown?by=") + by);
    ASSERT_EQ(r.status, 200) << by << r.body;
    EXPECT_EQ(r.json(), json::parse(R"({"data":[]})"));
  }
}

TEST_F(LogRoutes, BadParametersAreNamed) {
  struct Case {
    const char* path;
    const char* param;
  };
  const Case cases[] = {
      {"/api/admin/logs?key_id=abc", "key_id"},
      {"/api/admin/logs?key_id=0", "key_id"},
      {"/api/admin/logs?provider_id=-3", "provider_id"},
      {"/api/admin/logs?status=weird", "status"},
      {"/api/admin/logs?from=yesterday", "from"},
      {"/api/admin/logs?to=2026-13-01T00:00:00Z", "to"},
      {"/api/admin/logs?page=0", "page"},
      {"/api/admin/logs?page_size=1000", "page_size"},
      {"/api/admin/logs?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "to"},
      {"/api/admin/stats/overview?from=soon", "from"},
      {"/api/admin/stats/timeseries?interval=week", "interval"},
      {"/api/admin/stats/timeseries?to=x", "to"},
      {"/api/admin/stats/breakdown?by=region", "by"},
      {"/api/admin/stats/breakdown?by=model&from=1", "from"},
  };
  for (const auto& c : cases) {
    auto r = get(c.path);
    EXPECT_EQ(r.status, 400) << c.path << " " << r.body;
    EXPECT_EQ(detailPaths(r), std::set<std::string>{c.param}) << c.path << " " << r.body;
  }
  EXPECT_EQ(gw.request("GET", "/api/admin/logs").status, 401);
}

TEST_F(LogRoutes, ListFiltersAndGet) {
  seed();
  auto all = get("/api/admin/logs");
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(all.json().at("total").as_int64(), 3);
  const json::value newest_doc = all.json();
  const auto& newest = newest_doc.at("data").as_array().at(0).as_object();
  EXPECT_EQ(newest.at("request_id"), json::value("req-2"));  // newest first
  for (const char* k : {"id", "time", "request_id", "key_id", "key_name", "model", "provider_id",
                        "provider_name", "status", "latency_ms", "prompt_tokens",
                        "completion_tokens", "cost_usd", "attempts", "route_path", "stream",
                        "error"}) {
    EXPECT_TRUE(newest.contains(k)) << k;
  }

  auto count = [&](const std::string& query) {
    auto r = get("/api/admin/logs?" + query);
    EXPECT_EQ(r.status, 200) << query << " " << r.body;
    return r.json().at("total").as_int64();
  };
  EXPECT_EQ(count("status=success"), 2);
  EXPECT_EQ(count("status=error"), 1);
  EXPECT_EQ(count("status=429"), 1);
  EXPECT_EQ(count("status=500"), 0);
  EXPECT_EQ(count("key_id=1"), 2);
  EXPECT_EQ(count("provider_id=2"), 1);
  EXPECT_EQ(count("model=gpt-4o"), 2);
  EXPECT_EQ(count("model=gpt-4o&status=error"), 0);
  EXPECT_EQ(count("from=" + from + "&to=" + to), 3);
  EXPECT_EQ(count("to=" + from), 0);

  auto paged = get("/api/admin/logs?page=2&page_size=2");
  EXPECT_EQ(paged.json().at("total").as_int64(), 3);
  EXPECT_EQ(paged.json().at("data").as_array().size(), 1u);

  const auto id = newest.at("id").as_int64();
  auto one = get("/api/admin/logs/" + std::to_string(id));
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(one.json().at("status").as_int64(), 429);
  EXPECT_EQ(one.json().at("error"), json::value("rate limited upstream"));
  EXPECT_EQ(get("/api/admin/logs/" + std::to_string(id + 100)).status, 404);
}

TEST_F(LogRoutes, StatsOverSeededRows) {
  seed();
  const std::string range = "from=" + from + "&to=" + to;
  auto overview = get("/api/admin/stats/overview?" + range);
  ASSERT_EQ(overview.status, 200) << overview.body;
  EXPECT_EQ(overview.json().at("requests").as_int64(), 3);
  EXPECT_EQ(overview.json().at("errors").as_int64(), 1);
  EXPECT_EQ(overview.json().at("prompt_tokens").as_int64(), 20);
  EXPECT_EQ(overview.json().at("completion_tokens").as_int64(), 10);
  EXPECT_NEAR(overview.json().at("cost_usd").to_number<double>(), 0.02, 1e-9);

  auto series = get("/api/admin/stats/timeseries?interval=hour&" + range);
  ASSERT_EQ(series.status, 200) << series.body;
  std::int64_t requests = 0;
  const json::value series_doc = series.json();
  for (const auto& p : series_doc.at("data").as_array()) {
    requests += p.at("requests").as_int64();
  }
  EXPECT_EQ(requests, 3);
  auto recent = get("/api/admin/stats/timeseries");  // last 24 h holds all three
  std::int64_t recent_requests = 0;
  const json::value recent_doc = recent.json();
  for (const auto& p : recent_doc.at("data").as_array()) {
    recent_requests += p.at("requests").as_int64();
  }
  EXPECT_EQ(recent_requests, 3);

  auto by_model = get("/api/admin/stats/breakdown?by=model&" + range);
  ASSERT_EQ(by_model.status, 200) << by_model.body;
  const json::value rows_doc = by_model.json();
  const auto& rows = rows_doc.at("data").as_array();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows.at(0).at("name"), json::value("gpt-4o"));  // most requests first
  EXPECT_EQ(rows.at(0).at("requests").as_int64(), 2);
  EXPECT_EQ(keysOf(rows.at(0)),
            (std::set<std::string>{"id", "name", "requests", "errors", "tokens", "cost_usd"}));

  auto by_key = get("/api/admin/stats/breakdown?by=key");
  ASSERT_EQ(by_key.status, 200);
  EXPECT_EQ(by_key.json().at("data").as_array().at(0).at("name"), json::value("team-a"));
  auto by_provider = get("/api/admin/stats/breakdown?by=provider");
  EXPECT_EQ(by_provider.json().at("data").as_array().size(), 2u);
}

/// Polls GET `path` until `done(answer)` holds or 5 s pass; returns the last answer.
json::value pollUntil(LogRoutes& t, const std::string& path,
                      const std::function<bool(const json::value&)>& done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  json::value last;
  while (std::chrono::steady_clock::now() < deadline) {
    auto r = t.gw.authed(t.token, "GET", path);
    last = r.json();
    if (r.status == 200 && done(last)) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the log writer is async
  }
  return last;
}

TEST_F(LogRoutes, RealRequestsThroughMockLlmAreLoggedAndCounted) {
  MockLlm mock;
  auto admin = [&](const std::string& method, const std::string& path, const json::value& body) {
    return gw.authed(token, method, path, body.is_null() ? std::string() : json::serialize(body));
  };
  auto provider = admin("POST", "/api/admin/providers",
                        json::object{{"name", "mock-openai"}, {"type", "openai"},
                                     {"base_url", mock.baseUrl() + "/v1"},
                                     {"api_key", "sk-upstream-test"}});
  ASSERT_EQ(provider.status, 201) << provider.body;
  const auto provider_id = provider.json().at("id").as_int64();
  auto model = admin("POST", "/api/admin/models",
                     json::object{{"provider_id", provider_id}, {"name", "gpt-4o"},
                                  {"model_id", "gpt-4o"}, {"input_price", 1000},
                                  {"output_price", 2000}});
  ASSERT_EQ(model.status, 201) << model.body;
  auto key = admin("POST", "/api/admin/virtual-keys",
                   json::object{{"name", "team-live"}, {"budget_usd", 100},
                                {"budget_period", "monthly"}});
  ASSERT_EQ(key.status, 201) << key.body;
  const std::string secret(key.json().at("key").as_string());
  const auto key_id = key.json().at("id").as_int64();

  const std::string chat =
      R"({"model":"gpt-4o","messages":[{"role":"user","content":"hello there"}]})";
  auto ok = gw.request("POST", "/v1/chat/completions", chat,
                       {{"Authorization", "Bearer " + secret}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  auto unknown = gw.request("POST", "/v1/chat/completions",
                            R"({"model":"no-such-model","messages":[{"role":"user","content":"x"}]})",
                            {{"Authorization", "Bearer " + secret}});
  EXPECT_GE(unknown.status, 400);

  auto logs = pollUntil(*this, "/api/admin/logs?key_id=" + std::to_string(key_id),
                        [](const json::value& v) { return v.at("total").as_int64() >= 2; });
  ASSERT_EQ(logs.at("total").as_int64(), 2) << json::serialize(logs);
  auto success = get("/api/admin/logs?status=success&model=gpt-4o").json();
  ASSERT_EQ(success.at("total").as_int64(), 1) << json::serialize(success);
  const auto& row = success.at("data").as_array().at(0).as_object();
  EXPECT_EQ(row.at("key_id").as_int64(), key_id);
  EXPECT_EQ(row.at("key_name"), json::value("team-live"));
  EXPECT_EQ(row.at("provider_id").as_int64(), provider_id);
  EXPECT_EQ(row.at("provider_name"), json::value("mock-openai"));
  EXPECT_EQ(row.at("status").as_int64(), 200);
  EXPECT_GT(row.at("prompt_tokens").as_int64(), 0);
  EXPECT_GT(row.at("completion_tokens").as_int64(), 0);
  EXPECT_GT(row.at("cost_usd").to_number<double>(), 0.0);
  EXPECT_EQ(get("/api/admin/logs?status=error").json().at("total").as_int64(), 1);
  auto one = get("/api/admin/logs/" + std::to_string(row.at("id").as_int64()));
  EXPECT_EQ(one.status, 200);

  auto overview = get("/api/admin/stats/overview").json();
  EXPECT_EQ(overview.at("requests").as_int64(), 2);
  EXPECT_EQ(overview.at("errors").as_int64(), 1);
  auto by_key = get("/api/admin/stats/breakdown?by=key").json();
  EXPECT_EQ(by_key.at("data").as_array().at(0).at("name"), json::value("team-live"));
  auto by_provider = get("/api/admin/stats/breakdown?by=provider").json();
  bool provider_row = false;  // the unrouted request has no provider (id null)
  for (const auto& r : by_provider.at("data").as_array()) {
    if (r.at("id").is_int64() && r.at("id").as_int64() == provider_id) {
      provider_row = true;
      EXPECT_EQ(r.at("name"), json::value("mock-openai"));
      EXPECT_EQ(r.at("requests").as_int64(), 1);
    }
  }
  EXPECT_TRUE(provider_row) << json::serialize(by_provider);

  // The key's spend follows its budget.
  auto key_now = get("/api/admin/virtual-keys/" + std::to_string(key_id)).json();
  EXPECT_NEAR(key_now.at("spent_usd").to_number<double>(), row.at("cost_usd").to_number<double>(),
              1e-6);
  auto status = get("/api/admin/system/status").json();
  EXPECT_GE(status.at("log_queue").at("written").to_number<std::int64_t>(), 2);
}

}  // namespace
}  // namespace gw::test
