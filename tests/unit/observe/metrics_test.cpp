#include "observe/metrics.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "unit/observe/prometheus_parser.hpp"

namespace gw::observe {
namespace {

using testing::parseExposition;

TEST(MetricsRegistry, RendersCountersGaugesAndHistogramsAsValidText) {
  MetricsRegistry reg;
  auto& requests = reg.counter("app_requests_total", "Requests.", {"status", "model"});
  auto& temp = reg.gauge("app_temperature", "A gauge.");
  auto& lat = reg.histogram("app_latency_seconds", "Latency.", {"model"}, {0.1, 0.5, 1});
  requests.labels({"200", "gpt-4o"}).inc();
  requests.labels({"200", "gpt-4o"}).inc(2);
  requests.labels({"500", "gpt-4o"}).inc();
  temp.labels({}).set(-3.5);
  for (double v : {0.05, 0.1, 0.3, 0.7, 2.0}) {
    lat.labels({"gpt-4o"}).observe(v);
  }
  const auto text = reg.render();
  const auto parsed = parseExposition(text);
  ASSERT_TRUE(parsed.error.empty()) << parsed.error << "\n" << text;
  EXPECT_EQ(parsed.types.at("app_requests_total"), "counter");
  EXPECT_EQ(parsed.types.at("app_temperature"), "gauge");
  EXPECT_EQ(parsed.types.at("app_latency_seconds"), "histogram");
  EXPECT_EQ(parsed.help.at("app_requests_total"), "Requests.");
  EXPECT_EQ(parsed.value("app_requests_total", {{"status", "200"}, {"model", "gpt-4o"}}), 3);
  EXPECT_EQ(parsed.value("app_requests_total", {{"status", "500"}, {"model", "gpt-4o"}}), 1);
  EXPECT_EQ(parsed.value("app_temperature"), -3.5);
  EXPECT_EQ(parsed.value("app_latency_seconds_bucket", {{"model", "gpt-4o"}, {"le", "0.1"}}), 2);
  EXPECT_EQ(parsed.value("app_latency_seconds_bucket", {{"model", "gpt-4o"}, {"le", "0.5"}}), 3);
  EXPECT_EQ(parsed.value("app_latency_seconds_bucket", {{"model", "gpt-4o"}, {"le", "1"}}), 4);
  EXPECT_EQ(parsed.value("app_latency_seconds_bucket", {{"model", "gpt-4o"}, {"le", "+Inf"}}), 5);
  EXPECT_EQ(parsed.value("app_latency_seconds_count", {{"model", "gpt-4o"}}), 5);
  EXPECT_NEAR(*parsed.value("app_latency_seconds_sum", {{"model", "gpt-4o"}}), 3.15, 1e-9);
}

TEST(MetricsRegistry, EscapesLabelValuesAndHelp) {
  MetricsRegistry reg;
  auto& c = reg.counter("odd_total", "Line one\nback\\slash", {"v"});
  const std::string nasty = "a\"b\\c\nd,e=f}";
  c.labels({nasty}).inc();
  const auto text = reg.render();
  EXPECT_NE(text.find(R"(odd_total{v="a\"b\\c\nd,e=f}"} 1)"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(# HELP odd_total Line one\nback\\slash)"), std::string::npos) << text;
  const auto parsed = parseExposition(text);
  ASSERT_TRUE(parsed.error.empty()) << parsed.error;
  EXPECT_EQ(parsed.value("odd_total", {{"v", nasty}}), 1);
}

TEST(MetricsRegistry, LabelFreeFamiliesShowZeroAndCallbacksRunAtScrape) {
  MetricsRegistry reg;
  reg.counter("plain_total", "Plain.");
  reg.histogram("plain_seconds", "Plain histogram.", {}, {1});
  double depth = 4;
  reg.callback(MetricType::Gauge, "depth", "Depth.", {}, [&] {
    return std::vector<Sample>{{{}, depth}};
  });
  reg.callback(MetricType::Gauge, "state", "State.", {"target"}, [] {
    return std::vector<Sample>{{{"b"}, 2}, {{"a"}, 0}};
  });
  auto parsed = parseExposition(reg.render());
  ASSERT_TRUE(parsed.error.empty()) << parsed.error;
  EXPECT_EQ(parsed.value("plain_total"), 0);
  EXPECT_EQ(parsed.value("plain_seconds_count"), 0);
  EXPECT_EQ(parsed.value("depth"), 4);
  EXPECT_EQ(parsed.value("state", {{"target", "b"}}), 2);
  depth = 9;
  parsed = parseExposition(reg.render());
  EXPECT_EQ(parsed.value("depth"), 9);
}

TEST(MetricsRegistry, ConcurrentIncrementsAreAllCounted) {
  MetricsRegistry reg;
  auto& c = reg.counter("hits_total", "Hits.", {"model"});
  auto& h = reg.histogram("lat_seconds", "Lat.", {"model"}, {0.5});
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      const std::string model = "m" + std::to_string(t % 3);
      for (int i = 0; i < 5000; ++i) {
        c.labels({model}).inc();
        h.labels({model}).observe(i % 2 == 0 ? 0.1 : 1.0);
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  const auto parsed = parseExposition(reg.render());
  ASSERT_TRUE(parsed.error.empty()) << parsed.error;
  double total = 0;
  double count = 0;
  for (const auto& s : parsed.samples) {
    if (s.name == "hits_total") {
      total += s.value;
    }
    if (s.name == "lat_seconds_count") {
      count += s.value;
    }
  }
  EXPECT_EQ(total, 40000);
  EXPECT_EQ(count, 40000);
  EXPECT_EQ(parsed.value("hits_total", {{"model", "m0"}}), 15000);  // threads 0, 3, 6
}

TEST(MetricsFormat, Values) {
  EXPECT_EQ(formatMetricValue(3), "3");
  EXPECT_EQ(formatMetricValue(0.25), "0.25");
  EXPECT_EQ(formatMetricValue(-1.5), "-1.5");
  EXPECT_EQ(formatMetricValue(1.0 / 0.0), "+Inf");
  EXPECT_EQ(formatMetricValue(0.0 / 0.0), "NaN");
  EXPECT_EQ(escapeLabelValue("x\"y"), "x\\\"y");
}

TEST(MetricsAuth, BearerToken) {
  EXPECT_TRUE(metricsAuthorized("", ""));
  EXPECT_TRUE(metricsAuthorized("Bearer s3cret", "s3cret"));
  EXPECT_FALSE(metricsAuthorized("Bearer s3cre7", "s3cret"));
  EXPECT_FALSE(metricsAuthorized("Bearer s3cret2", "s3cret"));
  EXPECT_FALSE(metricsAuthorized("s3cret", "s3cret"));
  EXPECT_FALSE(metricsAuthorized("", "s3cret"));
}

}  // namespace
}  // namespace gw::observe
