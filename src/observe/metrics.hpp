#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "governance/concurrent_map.hpp"

namespace gw::observe {

enum class MetricType { Counter, Gauge, Histogram };

/// A monotonically increasing value. Lock-free.
class Counter {
public:
  void inc(double v = 1) { value_.fetch_add(v, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

private:
  std::atomic<double> value_{0};
};

/// A value that goes up and down. Lock-free.
class Gauge {
public:
  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  void inc(double v = 1) { value_.fetch_add(v, std::memory_order_relaxed); }
  void dec(double v = 1) { value_.fetch_sub(v, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

private:
  std::atomic<double> value_{0};
};

/// Most buckets a histogram may have (plus the implicit +Inf).
inline constexpr std::size_t kMaxHistogramBuckets = 24;

/// The counts of one labelled histogram. Buckets are stored non-cumulative and summed at scrape.
struct HistogramCell {
  std::array<std::atomic<std::uint64_t>, kMaxHistogramBuckets + 1> counts{};
  std::atomic<double> sum{0};
  std::atomic<std::uint64_t> count{0};
};

/// A handle on one labelled histogram: cheap to copy, valid for the registry's lifetime.
/// observe() is lock-free (three relaxed atomic adds).
class Histogram {
public:
  Histogram(HistogramCell& cell, const std::vector<double>& bounds)
      : cell_(&cell), bounds_(&bounds) {}
  void observe(double v);

private:
  HistogramCell* cell_;
  const std::vector<double>* bounds_;
};

/// Label values in label-name order. Values are arbitrary UTF-8; they are escaped at render.
using LabelValues = std::initializer_list<std::string_view>;

/// Shared part of the three families: name, help, label names and the label-set index.
/// Label sets live in a lock-free insert-only map, so looking one up on the request path takes
/// no lock; the returned cells are stable for the registry's lifetime (cache them where a
/// label set is known in advance).
template <class Cell>
class Family {
public:
  Family(std::string name, std::string help, std::vector<std::string> label_names)
      : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)) {}
  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& labelNames() const { return label_names_; }

  /// The cell of this label set (created on first use). The number of values must equal the
  /// number of label names (checked by assert).
  Cell& cell(LabelValues values);
  /// Every label set seen so far with its cell: (values, cell).
  void forEach(const std::function<void(const std::vector<std::string>&, const Cell&)>& fn) const;

private:
  std::string name_;
  std::string help_;
  std::vector<std::string> label_names_;
  governance::ConcurrentMap<std::string, Cell> cells_;
};

/// Counters by label set.
class CounterFamily : public Family<Counter> {
public:
  using Family::Family;
  Counter& labels(LabelValues values) { return cell(values); }
};

/// Gauges by label set.
class GaugeFamily : public Family<Gauge> {
public:
  using Family::Family;
  Gauge& labels(LabelValues values) { return cell(values); }
};

/// Histograms by label set, all with the same upper bounds.
class HistogramFamily : public Family<HistogramCell> {
public:
  HistogramFamily(std::string name, std::string help, std::vector<std::string> label_names,
                  std::vector<double> bounds);
  Histogram labels(LabelValues values) { return Histogram(cell(values), bounds_); }
  const std::vector<double>& bounds() const { return bounds_; }

private:
  std::vector<double> bounds_;
};

/// One sample of a callback metric.
struct Sample {
  std::vector<std::string> labels;
  double value = 0;
};

/// Metric families and their Prometheus text exposition (format 0.0.4).
///
/// Register every family at start-up (registration takes a mutex; names must be unique and
/// valid Prometheus names). On the request path, updates go through the families' lock-free
/// cells. Callback metrics are computed at scrape time (breaker states, queue depth).
/// @par Thread Safety
/// Registration and render() may run on any thread; render() takes the registration mutex
/// only, never blocking updates. The registry must outlive every family and cell it handed out.
class MetricsRegistry {
public:
  CounterFamily& counter(std::string name, std::string help,
                         std::vector<std::string> label_names = {});
  GaugeFamily& gauge(std::string name, std::string help,
                     std::vector<std::string> label_names = {});
  HistogramFamily& histogram(std::string name, std::string help,
                             std::vector<std::string> label_names, std::vector<double> bounds);
  /// A counter or gauge whose samples `collect` returns at each scrape. `collect` runs on the
  /// scraping thread and must be thread-safe.
  void callback(MetricType type, std::string name, std::string help,
                std::vector<std::string> label_names, std::function<std::vector<Sample>()> collect);

  /// The exposition text: per family `# HELP`, `# TYPE`, then samples sorted by labels;
  /// histograms as `_bucket{le=...}` (cumulative, ending at +Inf), `_sum` and `_count`.
  /// A family without labels always shows a sample (0 before any update).
  std::string render() const;

  /// Content-Type of render()'s output.
  static constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

private:
  struct Entry {
    MetricType type;
    std::unique_ptr<CounterFamily> counter;
    std::unique_ptr<GaugeFamily> gauge;
    std::unique_ptr<HistogramFamily> histogram;
    std::string name;
    std::string help;
    std::vector<std::string> label_names;
    std::function<std::vector<Sample>()> collect;
  };
  mutable std::mutex mutex_;
  std::vector<Entry> entries_;
};

/// Escapes a label value for the text format (backslash, double quote, newline).
std::string escapeLabelValue(std::string_view v);
/// Formats a sample value: integers without a decimal point, "+Inf", "-Inf", "NaN".
std::string formatMetricValue(double v);
/// Checks `authorization` (the raw header) against "Bearer <token>" in constant time. An empty
/// `token` means /metrics is open and always passes.
bool metricsAuthorized(std::string_view authorization, std::string_view token);

}  // namespace gw::observe
