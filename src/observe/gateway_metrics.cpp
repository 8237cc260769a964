#include "observe/gateway_metrics.hpp"

namespace gw::observe {

namespace {

const std::vector<double> kLatencyBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
                                             2.5,   5,    10,    30,   60,  120, 300};
const std::vector<double> kOverheadBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                              0.01,   0.025,   0.05,   0.1,   0.25,   1};

}  // namespace

GatewayMetrics::GatewayMetrics(MetricsRegistry& registry)
    : registry_(registry),
      requests_(registry.counter("gateway_requests_total",
                                 "Requests answered, by HTTP status, model and provider.",
                                 {"status", "model", "provider"})),
      duration_(registry.histogram("gateway_request_duration_seconds",
                                   "Total request latency as the client sees it.",
                                   {"model", "provider"}, kLatencyBuckets)),
      overhead_(registry.histogram("gateway_overhead_seconds",
                                   "Time spent in the gateway outside upstream calls.", {},
                                   kOverheadBuckets)),
      ttfb_(registry.histogram("gateway_ttfb_seconds",
                               "Time to the first byte sent to the client.", {"model", "provider"},
                               kLatencyBuckets)),
      tokens_(registry.counter("gateway_tokens_total", "Tokens by type (prompt, completion, cached).",
                               {"type", "model"})),
      cost_(registry.counter("gateway_cost_usd_total", "Cost of requests in USD.", {"model"})),
      upstream_errors_(registry.counter("gateway_upstream_errors_total",
                                        "Failed upstream attempts by provider and error code.",
                                        {"provider", "code"})) {
  registry.callback(MetricType::Gauge, "gateway_breaker_state",
                    "Circuit breaker state per routing target: 0 closed, 1 half-open, 2 open.",
                    {"target"}, [this] {
                      std::vector<Sample> out;
                      std::lock_guard lock(mutex_);
                      if (breakers_) {
                        for (auto& b : breakers_()) {
                          out.push_back({{std::move(b.target)}, b.state});
                        }
                      }
                      return out;
                    });
  auto fromWriter = [this](auto read) {
    return [this, read] {
      std::lock_guard lock(mutex_);
      return std::vector<Sample>{{{}, writer_ ? read(*writer_) : 0.0}};
    };
  };
  registry.callback(MetricType::Counter, "gateway_log_queue_dropped_total",
                    "Usage log records dropped because the queue was full.", {},
                    fromWriter([](const UsageLogWriter& w) { return double(w.dropped()); }));
  registry.callback(MetricType::Gauge, "gateway_log_queue_depth",
                    "Usage log records waiting to be written.", {},
                    fromWriter([](const UsageLogWriter& w) { return double(w.depth()); }));
  registry.callback(MetricType::Counter, "gateway_log_write_failed_total",
                    "Usage log records lost because the store failed.", {},
                    fromWriter([](const UsageLogWriter& w) { return double(w.failed()); }));
}

void GatewayMetrics::recordRequest(const UsageRecord& r) {
  const std::string status = std::to_string(r.status);
  requests_.labels({status, r.model, r.provider_name}).inc();
  duration_.labels({r.model, r.provider_name}).observe(static_cast<double>(r.latency_ms) / 1e3);
  overhead_.labels({}).observe(r.overhead_ms / 1e3);
  if (r.ttfb_ms) {
    ttfb_.labels({r.model, r.provider_name}).observe(static_cast<double>(*r.ttfb_ms) / 1e3);
  }
  if (r.prompt_tokens > 0) {
    tokens_.labels({"prompt", r.model}).inc(static_cast<double>(r.prompt_tokens));
  }
  if (r.completion_tokens > 0) {
    tokens_.labels({"completion", r.model}).inc(static_cast<double>(r.completion_tokens));
  }
  if (r.cached_tokens > 0) {
    tokens_.labels({"cached", r.model}).inc(static_cast<double>(r.cached_tokens));
  }
  if (r.cost_usd > 0) {
    cost_.labels({r.model}).inc(r.cost_usd);
  }
}

void GatewayMetrics::recordUpstreamError(std::string_view provider, std::string_view code) {
  upstream_errors_.labels({provider, code}).inc();
}

void GatewayMetrics::setBreakerSource(std::function<std::vector<BreakerState>()> source) {
  std::lock_guard lock(mutex_);
  breakers_ = std::move(source);
}

void GatewayMetrics::attachLogWriter(const UsageLogWriter& writer) {
  std::lock_guard lock(mutex_);
  writer_ = &writer;
}

}  // namespace gw::observe
