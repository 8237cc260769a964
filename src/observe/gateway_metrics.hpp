#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "observe/metrics.hpp"
#include "observe/usage_log_writer.hpp"

namespace gw::observe {

/// The gateway's metric families, registered under their public names (docs/governance.md):
///
/// | name | type | labels |
/// | --- | --- | --- |
/// | gateway_requests_total | counter | status, model, provider |
/// | gateway_request_duration_seconds | histogram | model, provider |
/// | gateway_overhead_seconds | histogram | |
/// | gateway_ttfb_seconds | histogram | model, provider |
/// | gateway_tokens_total | counter | type (prompt, completion, cached), model |
/// | gateway_cost_usd_total | counter | model |
/// | gateway_upstream_errors_total | counter | provider, code |
/// | gateway_breaker_state | gauge (at scrape) | target (0 closed, 1 half-open, 2 open) |
/// | gateway_log_queue_dropped_total | counter (at scrape) | |
/// | gateway_log_queue_depth | gauge (at scrape) | |
/// | gateway_log_write_failed_total | counter (at scrape) | |
///
/// @par Thread Safety
/// recordRequest() and recordUpstreamError() are lock-free and callable from any thread.
/// setBreakerSource() and attachLogWriter() are for start-up; they take a mutex that only the
/// scrape also takes. What it is given (source, writer) must outlive it.
class GatewayMetrics {
public:
  /// Breaker state of one routing target, for gateway_breaker_state.
  struct BreakerState {
    std::string target;
    double state = 0;  ///< 0 closed, 1 half-open, 2 open
  };

  explicit GatewayMetrics(MetricsRegistry& registry);

  /// Counts one finished request: status/model/provider, total latency, gateway overhead, time
  /// to first byte (when set), tokens by type and cost. Call for every request, whether or not
  /// its log record was queued.
  void recordRequest(const UsageRecord& r);
  /// Counts one failed upstream attempt; `code` is an errorCodeName() or an HTTP status.
  void recordUpstreamError(std::string_view provider, std::string_view code);

  /// Where gateway_breaker_state reads the targets' states at scrape.
  void setBreakerSource(std::function<std::vector<BreakerState>()> source);
  /// Exposes `writer`'s queue depth, drops and write failures.
  void attachLogWriter(const UsageLogWriter& writer);

  MetricsRegistry& registry() { return registry_; }

private:
  MetricsRegistry& registry_;
  CounterFamily& requests_;
  HistogramFamily& duration_;
  HistogramFamily& overhead_;
  HistogramFamily& ttfb_;
  CounterFamily& tokens_;
  CounterFamily& cost_;
  CounterFamily& upstream_errors_;

  mutable std::mutex mutex_;
  std::function<std::vector<BreakerState>()> breakers_;
  const UsageLogWriter* writer_ = nullptr;
};

}  // namespace gw::observe
