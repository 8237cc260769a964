#include "observe/gateway_metrics.hpp"

#include <gtest/gtest.h>

#include "unit/observe/prometheus_parser.hpp"

namespace gw::observe {
namespace {

using testing::parseExposition;

class NullSink : public RequestLogSink {
public:
  Result<void> writeBatch(std::span<const UsageRecord>) override { return {}; }
  Result<std::int64_t> pruneOlderThan(std::chrono::system_clock::time_point) override {
    return std::int64_t{0};
  }
};

UsageRecord request(int status, std::string model, std::string provider, std::int64_t latency_ms) {
  UsageRecord r;
  r.status = status;
  r.model = std::move(model);
  r.provider_name = std::move(provider);
  r.latency_ms = latency_ms;
  r.ttfb_ms = latency_ms / 4;
  r.overhead_ms = 0.3;
  r.prompt_tokens = 100;
  r.completion_tokens = 50;
  r.cached_tokens = 20;
  r.cost_usd = 0.002;
  return r;
}

TEST(GatewayMetrics, ExpositionParsesAndCountersMatch) {
  MetricsRegistry registry;
  GatewayMetrics metrics(registry);
  NullSink sink;
  FakeClock clock;
  UsageLogWriter writer(sink, clock);
  metrics.attachLogWriter(writer);
  metrics.setBreakerSource([] {
    return std::vector<GatewayMetrics::BreakerState>{{"openai-main", 0}, {"anthropic", 2}};
  });

  metrics.recordRequest(request(200, "gpt-4o", "openai-main", 120));
  metrics.recordRequest(request(200, "gpt-4o", "openai-main", 800));
  metrics.recordRequest(request(502, "claude", "anthropic", 3000));
  metrics.recordUpstreamError("anthropic", "upstream_timeout");
  metrics.recordUpstreamError("anthropic", "upstream_timeout");
  metrics.recordUpstreamError("anthropic", "529");

  const auto text = registry.render();
  const auto p = parseExposition(text);
  ASSERT_TRUE(p.error.empty()) << p.error << "\n" << text;
  for (const char* name :
       {"gateway_requests_total", "gateway_request_duration_seconds", "gateway_overhead_seconds",
        "gateway_ttfb_seconds", "gateway_tokens_total", "gateway_cost_usd_total",
        "gateway_upstream_errors_total", "gateway_breaker_state",
        "gateway_log_queue_dropped_total", "gateway_log_queue_depth"}) {
    EXPECT_TRUE(p.types.count(name)) << name;
  }
  EXPECT_EQ(p.value("gateway_requests_total",
                    {{"status", "200"}, {"model", "gpt-4o"}, {"provider", "openai-main"}}),
            2);
  EXPECT_EQ(p.value("gateway_requests_total",
                    {{"status", "502"}, {"model", "claude"}, {"provider", "anthropic"}}),
            1);
  EXPECT_EQ(p.value("gateway_request_duration_seconds_count",
                    {{"model", "gpt-4o"}, {"provider", "openai-main"}}),
            2);
  EXPECT_EQ(p.value("gateway_request_duration_seconds_bucket",
                    {{"model", "gpt-4o"}, {"provider", "openai-main"}, {"le", "0.25"}}),
            1);
  EXPECT_NEAR(*p.value("gateway_request_duration_seconds_sum",
                       {{"model", "gpt-4o"}, {"provider", "openai-main"}}),
              0.92, 1e-9);
  EXPECT_EQ(p.value("gateway_overhead_seconds_count"), 3);
  EXPECT_EQ(p.value("gateway_ttfb_seconds_count", {{"model", "claude"}, {"provider", "anthropic"}}),
            1);
  EXPECT_EQ(p.value("gateway_tokens_total", {{"type", "prompt"}, {"model", "gpt-4o"}}), 200);
  EXPECT_EQ(p.value("gateway_tokens_total", {{"type", "completion"}, {"model", "claude"}}), 50);
  EXPECT_EQ(p.value("gateway_tokens_total", {{"type", "cached"}, {"model", "gpt-4o"}}), 40);
  EXPECT_NEAR(*p.value("gateway_cost_usd_total", {{"model", "gpt-4o"}}), 0.004, 1e-12);
  EXPECT_EQ(p.value("gateway_upstream_errors_total",
                    {{"provider", "anthropic"}, {"code", "upstream_timeout"}}),
            2);
  EXPECT_EQ(p.value("gateway_upstream_errors_total", {{"provider", "anthropic"}, {"code", "529"}}),
            1);
  EXPECT_EQ(p.value("gateway_breaker_state", {{"target", "anthropic"}}), 2);
  EXPECT_EQ(p.value("gateway_breaker_state", {{"target", "openai-main"}}), 0);
  EXPECT_EQ(p.value("gateway_log_queue_dropped_total"), 0);
  EXPECT_EQ(p.value("gateway_log_queue_depth"), 0);
}

TEST(GatewayMetrics, WithoutSourcesTheScrapeIsStillValid) {
  MetricsRegistry registry;
  GatewayMetrics metrics(registry);
  const auto p = parseExposition(registry.render());
  ASSERT_TRUE(p.error.empty()) << p.error;
  EXPECT_EQ(p.value("gateway_log_queue_dropped_total"), 0);
  EXPECT_EQ(p.value("gateway_overhead_seconds_count"), 0);
}

}  // namespace
}  // namespace gw::observe
