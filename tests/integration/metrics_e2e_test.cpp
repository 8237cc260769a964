// End-to-end observability: usage logs reach SQLite under load and survive a restart, and the
// stats API and /metrics agree with the log table.

#include <gtest/gtest.h>

#include "integration/dataplane_e2e_support.hpp"

namespace gw::test {
namespace {

std::int64_t logTotal(E2eGateway& g, const std::string& query = {}) {
  auto r = g.admin("GET", "/api/admin/logs" + query);
  if (r.status != 200) {
    ADD_FAILURE() << r.status << " " << r.body;
    return -1;
  }
  return r.json().at("total").as_int64();
}

json::object overview(E2eGateway& g) {
  auto r = g.admin("GET", "/api/admin/stats/overview");
  EXPECT_EQ(r.status, 200) << r.body;
  return r.json().is_object() ? r.json().as_object() : json::object{};
}

TEST(MetricsE2e, LogsStatsAndMetricsAgreeAndSurviveARestart) {
  MockLlm mock;
  E2eGateway g;
  const auto provider = g.createProvider("upstream", mock.baseUrl() + "/v1");
  g.createModel(provider, "chat", "mock", json::object{{"input_price", 1.0}, {"output_price", 2.0}});
  g.createModel(provider, "broken", "mock@status=500");
  const auto key = g.createKey();

  constexpr int kOk = 60;
  constexpr int kFailed = 12;
  constexpr int kUnknownModel = 8;
  const auto answers = parallel(kOk + kFailed + kUnknownModel, [&](int i) {
    if (i < kOk) {
      return g.chat(key, "chat", {}, json::object{{"stream", i % 2 == 0}});
    }
    return g.chat(key, i < kOk + kFailed ? "broken" : "no-such-model");
  });
  std::int64_t prompt = 0;  // of one answer (all requests are the same)
  for (int i = 0; i < static_cast<int>(answers.size()); ++i) {
    const auto& r = answers[static_cast<std::size_t>(i)];
    if (i < kOk) {
      ASSERT_EQ(r.status, 200) << r.body;
    } else if (i < kOk + kFailed) {
      ASSERT_GE(r.status, 500) << r.body;
    } else {
      ASSERT_EQ(r.status, 404) << r.body;
    }
    if (i < kOk && i % 2 == 1) {
      prompt = r.json().at("usage").at("prompt_tokens").as_int64();
    }
  }
  constexpr int kTotal = kOk + kFailed + kUnknownModel;

  // The log writer flushes every 200 ms: every request lands within the bound.
  EXPECT_TRUE(eventually([&] { return logTotal(g) == kTotal; }))
      << "logs: " << logTotal(g) << " of " << kTotal;
  EXPECT_EQ(logTotal(g, "?status=success"), kOk);
  EXPECT_EQ(logTotal(g, "?status=error"), kFailed + kUnknownModel);
  EXPECT_EQ(logTotal(g, "?model=chat"), kOk);
  EXPECT_EQ(logTotal(g, "?key_id=" + std::to_string(g.lastKeyId())), kTotal);

  // One log, in full.
  auto page = g.admin("GET", "/api/admin/logs?model=chat&page_size=1");
  ASSERT_EQ(page.status, 200) << page.body;
  const auto page_json = page.json();
  const auto& log = page_json.at("data").as_array().at(0).as_object();
  EXPECT_EQ(log.at("status"), json::value(200));
  EXPECT_EQ(log.at("provider_name"), json::value("upstream"));
  EXPECT_EQ(log.at("attempts"), json::value(1));
  EXPECT_GT(log.at("completion_tokens").as_int64(), 0);
  EXPECT_GT(log.at("cost_usd").to_number<double>(), 0.0);

  auto stats = overview(g);
  EXPECT_EQ(stats.at("requests"), json::value(kTotal)) << json::serialize(stats);
  EXPECT_EQ(stats.at("errors"), json::value(kFailed + kUnknownModel)) << json::serialize(stats);
  // Streams are accounted too (the gateway asks the upstream for usage).
  ASSERT_GT(prompt, 0);
  EXPECT_EQ(stats.at("prompt_tokens").as_int64(), kOk * prompt) << json::serialize(stats);
  EXPECT_GT(stats.at("completion_tokens").as_int64(), 0);
  EXPECT_GT(stats.at("cost_usd").to_number<double>(), 0.0);
  EXPECT_EQ(logTotal(g, "?model=chat&status=200"), kOk);

  // Counters are updated once the answer is out: by now, or a moment later.
  HttpResponse metrics;
  EXPECT_TRUE(eventually([&] {
    metrics = g.gw().request("GET", "/metrics");
    return sumMetric(metrics.body, "gateway_requests_total") == kTotal;
  })) << metrics.body;
  EXPECT_EQ(sumMetric(metrics.body, "gateway_request_duration_seconds_count"), kTotal);
  // Five failures in a row open the target's breaker; later requests fail fast without an
  // upstream call (the parallel ones in flight at that moment still went out).
  const double upstream_errors = sumMetric(metrics.body, "gateway_upstream_errors_total");
  EXPECT_GE(upstream_errors, 5);
  EXPECT_LE(upstream_errors, kFailed);
  EXPECT_EQ(sumMetric(metrics.body, "gateway_log_queue_dropped_total"), 0);

  // A new process on the same database keeps every log.
  g.restart();
  EXPECT_EQ(logTotal(g), kTotal);
  EXPECT_EQ(overview(g).at("requests"), json::value(kTotal));
  // ... and serves on.
  ASSERT_EQ(g.chat(key, "chat").status, 200);
  EXPECT_TRUE(eventually([&] { return logTotal(g) == kTotal + 1; }));
}

TEST(MetricsE2e, RefusedRequestsAreLoggedAndCounted) {
  MockLlm mock;
  E2eGateway g;
  const auto provider = g.createProvider("upstream", mock.baseUrl() + "/v1");
  g.createModel(provider, "chat", "mock");
  const auto key = g.createKey(json::object{{"rpm_limit", 3}});

  const auto answers = parallel(10, [&](int) { return g.chat(key, "chat"); });
  int limited = 0;
  for (const auto& r : answers) {
    limited += r.status == 429 ? 1 : 0;
  }
  EXPECT_GE(limited, 7);
  EXPECT_TRUE(eventually([&] { return logTotal(g) == 10; })) << logTotal(g);
  EXPECT_EQ(logTotal(g, "?status=429"), limited);
  EXPECT_TRUE(eventually([&] {
    return sumMetric(g.gw().request("GET", "/metrics").body, "gateway_requests_total") == 10;
  }));
}

TEST(MetricsE2e, AClientHangingUpMidStreamIsLoggedAs499AndCancelsTheUpstream) {
  MockLlm mock;
  E2eGateway g;
  const auto provider = g.createProvider("upstream", mock.baseUrl() + "/v1");
  g.createModel(provider, "chat", "mock@chunks=50,chunk_delay=100");
  const auto key = g.createKey();

  const std::string body =
      R"({"model":"chat","stream":true,"messages":[{"role":"user","content":"hi"}]})";
  abandonPost(g.gw().port(), "/v1/chat/completions", body, {{"Authorization", "Bearer " + key}},
              std::chrono::milliseconds(400));
  EXPECT_TRUE(eventually([&] { return logTotal(g, "?status=499") == 1; })) << logTotal(g);
  EXPECT_TRUE(eventually([&] {
    return mock.stats().at("client_disconnects").as_int64() == 1 &&
           mock.stats().at("active_streams").as_int64() == 0;
  }));
}

}  // namespace
}  // namespace gw::test
