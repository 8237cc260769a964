#include "observe/metrics.hpp"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <map>

namespace gw::observe {

namespace {

/// Label values joined into one map key, written over `key`: "<length>:<value>" per value, so
/// any byte may appear in a value.
void encodeLabels(LabelValues values, std::string& key) {
  key.clear();
  for (const auto v : values) {
    char digits[20];
    const auto end = std::to_chars(digits, digits + sizeof digits, v.size()).ptr;
    key.append(digits, end);
    key += ':';
    key += v;
  }
}

std::vector<std::string> decodeLabels(std::string_view key) {
  std::vector<std::string> out;
  while (!key.empty()) {
    const auto colon = key.find(':');
    std::size_t len = 0;
    std::from_chars(key.data(), key.data() + colon, len);
    out.emplace_back(key.substr(colon + 1, len));
    key.remove_prefix(colon + 1 + len);
  }
  return out;
}

/// Escapes backslash and newline, and the double quote too in label values (HELP text keeps
/// its quotes, as the format requires).
std::string escapeText(std::string_view v, bool quote) {
  std::string out;
  out.reserve(v.size());
  for (const char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (quote && c == '"') {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

/// `{a="x",b="y"}` (with an optional extra pair such as le), or "" without labels.
std::string labelBlock(const std::vector<std::string>& names, const std::vector<std::string>& values,
                       std::string_view extra_name = {}, std::string_view extra_value = {}) {
  std::string out;
  auto add = [&](std::string_view n, std::string_view v) {
    out += out.empty() ? "{" : ",";
    out += n;
    out += "=\"";
    out += escapeLabelValue(v);
    out += '"';
  };
  for (std::size_t i = 0; i < names.size() && i < values.size(); ++i) {
    add(names[i], values[i]);
  }
  if (!extra_name.empty()) {
    add(extra_name, extra_value);
  }
  if (!out.empty()) {
    out += '}';
  }
  return out;
}

std::string_view typeName(MetricType t) {
  switch (t) {
    case MetricType::Counter: return "counter";
    case MetricType::Gauge: return "gauge";
    case MetricType::Histogram: return "histogram";
  }
  return "untyped";
}

void line(std::string& out, std::string_view name, const std::string& labels, double v) {
  out += name;
  out += labels;
  out += ' ';
  out += formatMetricValue(v);
  out += '\n';
}

/// Samples of a counter or gauge family, sorted by label values.
template <class Fam>
std::vector<Sample> samplesOf(const Fam& fam) {
  std::vector<Sample> out;
  fam.forEach([&](const std::vector<std::string>& labels, const auto& cell) {
    out.push_back({labels, cell.value()});
  });
  return out;
}

void renderSamples(std::string& out, const std::string& name,
                   const std::vector<std::string>& label_names, std::vector<Sample> samples) {
  if (samples.empty() && label_names.empty()) {
    samples.push_back({{}, 0});
  }
  std::sort(samples.begin(), samples.end(),
            [](const Sample& a, const Sample& b) { return a.labels < b.labels; });
  for (const auto& s : samples) {
    line(out, name, labelBlock(label_names, s.labels), s.value);
  }
}

void renderHistogram(std::string& out, const HistogramFamily& fam) {
  std::map<std::vector<std::string>, const HistogramCell*> cells;
  fam.forEach([&](const std::vector<std::string>& labels, const HistogramCell& c) {
    cells.emplace(labels, &c);
  });
  static const HistogramCell kEmpty;
  if (cells.empty() && fam.labelNames().empty()) {
    cells.emplace(std::vector<std::string>{}, &kEmpty);
  }
  const auto& bounds = fam.bounds();
  for (const auto& [labels, cell] : cells) {
    // Read the count first: buckets may then run slightly ahead, never behind, of _count.
    const auto count = cell->count.load(std::memory_order_relaxed);
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < bounds.size(); ++i) {
      cumulative += cell->counts[i].load(std::memory_order_relaxed);
      line(out, fam.name() + "_bucket",
           labelBlock(fam.labelNames(), labels, "le", formatMetricValue(bounds[i])),
           static_cast<double>(std::min(cumulative, count)));
    }
    line(out, fam.name() + "_bucket", labelBlock(fam.labelNames(), labels, "le", "+Inf"),
         static_cast<double>(count));
    line(out, fam.name() + "_sum", labelBlock(fam.labelNames(), labels),
         cell->sum.load(std::memory_order_relaxed));
    line(out, fam.name() + "_count", labelBlock(fam.labelNames(), labels),
         static_cast<double>(count));
  }
}

}  // namespace

void Histogram::observe(double v) {
  const auto& b = *bounds_;
  const auto i = static_cast<std::size_t>(std::lower_bound(b.begin(), b.end(), v) - b.begin());
  cell_->counts[i].fetch_add(1, std::memory_order_relaxed);
  cell_->sum.fetch_add(v, std::memory_order_relaxed);
  cell_->count.fetch_add(1, std::memory_order_relaxed);
}

template <class Cell>
Cell& Family<Cell>::cell(LabelValues values) {
  assert(values.size() == label_names_.size());
  // One buffer per thread: the key is copied only when a label set is new.
  thread_local std::string key;
  encodeLabels(values, key);
  return cells_.getOrCreate(key);
}

template <class Cell>
void Family<Cell>::forEach(
    const std::function<void(const std::vector<std::string>&, const Cell&)>& fn) const {
  cells_.forEach([&](const std::string& key, const Cell& c) { fn(decodeLabels(key), c); });
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<HistogramCell>;

HistogramFamily::HistogramFamily(std::string name, std::string help,
                                 std::vector<std::string> label_names, std::vector<double> bounds)
    : Family(std::move(name), std::move(help), std::move(label_names)), bounds_(std::move(bounds)) {
  std::sort(bounds_.begin(), bounds_.end());
  bounds_.erase(std::unique(bounds_.begin(), bounds_.end()), bounds_.end());
  if (bounds_.size() > kMaxHistogramBuckets) {
    bounds_.resize(kMaxHistogramBuckets);
  }
}

CounterFamily& MetricsRegistry::counter(std::string name, std::string help,
                                        std::vector<std::string> label_names) {
  std::lock_guard lock(mutex_);
  Entry e{MetricType::Counter};
  e.counter = std::make_unique<CounterFamily>(std::move(name), std::move(help),
                                              std::move(label_names));
  auto& ref = *e.counter;
  entries_.push_back(std::move(e));
  return ref;
}

GaugeFamily& MetricsRegistry::gauge(std::string name, std::string help,
                                    std::vector<std::string> label_names) {
  std::lock_guard lock(mutex_);
  Entry e{MetricType::Gauge};
  e.gauge =
      std::make_unique<GaugeFamily>(std::move(name), std::move(help), std::move(label_names));
  auto& ref = *e.gauge;
  entries_.push_back(std::move(e));
  return ref;
}

HistogramFamily& MetricsRegistry::histogram(std::string name, std::string help,
                                            std::vector<std::string> label_names,
                                            std::vector<double> bounds) {
  std::lock_guard lock(mutex_);
  Entry e{MetricType::Histogram};
  e.histogram = std::make_unique<HistogramFamily>(std::move(name), std::move(help),
                                                  std::move(label_names), std::move(bounds));
  auto& ref = *e.histogram;
  entries_.push_back(std::move(e));
  return ref;
}

void MetricsRegistry::callback(MetricType type, std::string name, std::string help,
                               std::vector<std::string> label_names,
                               std::function<std::vector<Sample>()> collect) {
  std::lock_guard lock(mutex_);
  Entry e{type};
  e.name = std::move(name);
  e.help = std::move(help);
  e.label_names = std::move(label_names);
  e.collect = std::move(collect);
  entries_.push_back(std::move(e));
}

std::string MetricsRegistry::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& e : entries_) {
    const std::string& name = e.counter     ? e.counter->name()
                              : e.gauge     ? e.gauge->name()
                              : e.histogram ? e.histogram->name()
                                            : e.name;
    const std::string& help = e.counter     ? e.counter->help()
                              : e.gauge     ? e.gauge->help()
                              : e.histogram ? e.histogram->help()
                                            : e.help;
    out += "# HELP " + name + " " + escapeText(help, false) + "\n";
    out += "# TYPE " + name + " " + std::string(typeName(e.type)) + "\n";
    if (e.counter) {
      renderSamples(out, name, e.counter->labelNames(), samplesOf(*e.counter));
    } else if (e.gauge) {
      renderSamples(out, name, e.gauge->labelNames(), samplesOf(*e.gauge));
    } else if (e.histogram) {
      renderHistogram(out, *e.histogram);
    } else {
      renderSamples(out, name, e.label_names, e.collect());
    }
  }
  return out;
}

std::string escapeLabelValue(std::string_view v) { return escapeText(v, true); }

std::string formatMetricValue(double v) {
  if (std::isnan(v)) {
    return "NaN";
  }
  if (std::isinf(v)) {
    return v > 0 ? "+Inf" : "-Inf";
  }
  if (std::floor(v) == v && std::fabs(v) < 1e15) {
    return std::to_string(static_cast<std::int64_t>(v));
  }
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, ec == std::errc{} ? end : buf);
}

bool metricsAuthorized(std::string_view authorization, std::string_view token) {
  if (token.empty()) {
    return true;
  }
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.size() != kBearer.size() + token.size() ||
      authorization.substr(0, kBearer.size()) != kBearer) {
    return false;
  }
  unsigned char diff = 0;
  for (std::size_t i = 0; i < token.size(); ++i) {
    diff |= static_cast<unsigned char>(authorization[kBearer.size() + i] ^ token[i]);
  }
  return diff == 0;
}

}  // namespace gw::observe
