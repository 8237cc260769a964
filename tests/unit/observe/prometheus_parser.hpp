#pragma once

// A small, strict parser of the Prometheus text exposition format 0.0.4, for tests: it rejects
// what a Prometheus server would reject, and checks histogram invariants.

#include <cctype>
#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace gw::observe::testing {

struct ParsedSample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct ParsedExposition {
  std::map<std::string, std::string> types;  // family -> counter|gauge|histogram
  std::map<std::string, std::string> help;
  std::vector<ParsedSample> samples;
  std::string error;  // empty when valid

  /// The value of `name` with exactly `labels`, if present.
  std::optional<double> value(const std::string& name,
                              const std::map<std::string, std::string>& labels = {}) const {
    for (const auto& s : samples) {
      if (s.name == name && s.labels == labels) {
        return s.value;
      }
    }
    return std::nullopt;
  }
};

inline bool validName(const std::string& n, bool label) {
  if (n.empty()) {
    return false;
  }
  for (std::size_t i = 0; i < n.size(); ++i) {
    const char c = n[i];
    const bool ok = std::isalpha(static_cast<unsigned char>(c)) || c == '_' ||
                    (!label && c == ':') || (i > 0 && std::isdigit(static_cast<unsigned char>(c)));
    if (!ok) {
      return false;
    }
  }
  return true;
}

inline std::optional<double> parseValue(const std::string& v) {
  if (v == "+Inf") {
    return INFINITY;
  }
  if (v == "-Inf") {
    return -INFINITY;
  }
  if (v == "NaN") {
    return NAN;
  }
  double d = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
  if (ec != std::errc{} || end != v.data() + v.size()) {
    return std::nullopt;
  }
  return d;
}

/// The family a sample belongs to: histogram samples drop their _bucket/_sum/_count suffix.
inline std::string familyOf(const ParsedExposition& e, const std::string& sample) {
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    const std::string s(suffix);
    if (sample.size() > s.size() && sample.compare(sample.size() - s.size(), s.size(), s) == 0) {
      const auto base = sample.substr(0, sample.size() - s.size());
      auto it = e.types.find(base);
      if (it != e.types.end() && it->second == "histogram") {
        return base;
      }
    }
  }
  return sample;
}

inline ParsedExposition parseExposition(const std::string& text) {
  ParsedExposition e;
  auto fail = [&](const std::string& why, const std::string& line) {
    e.error = why + ": " + line;
    return e;
  };
  if (!text.empty() && text.back() != '\n') {
    return fail("missing final newline", "");
  }
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) {
      continue;
    }
    if (line[0] == '#') {
      std::istringstream ls(line);
      std::string hash, kind, name;
      ls >> hash >> kind >> name;
      std::string rest;
      std::getline(ls, rest);
      if (!rest.empty() && rest[0] == ' ') {
        rest.erase(0, 1);
      }
      if (kind == "TYPE") {
        if (!validName(name, false) || e.types.count(name) != 0) {
          return fail("bad or repeated TYPE", line);
        }
        if (rest != "counter" && rest != "gauge" && rest != "histogram" && rest != "summary" &&
            rest != "untyped") {
          return fail("unknown type", line);
        }
        e.types[name] = rest;
      } else if (kind == "HELP") {
        e.help[name] = rest;
      }
      continue;
    }
    ParsedSample s;
    std::size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') {
      ++i;
    }
    s.name = line.substr(0, i);
    if (!validName(s.name, false)) {
      return fail("bad metric name", line);
    }
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (i < line.size() && line[i] != '}') {
        const auto eq = line.find('=', i);
        if (eq == std::string::npos || eq + 1 >= line.size() || line[eq + 1] != '"') {
          return fail("bad label", line);
        }
        const std::string lname = line.substr(i, eq - i);
        if (!validName(lname, true)) {
          return fail("bad label name", line);
        }
        std::string value;
        std::size_t j = eq + 2;
        for (; j < line.size() && line[j] != '"'; ++j) {
          if (line[j] == '\\') {
            if (++j >= line.size()) {
              return fail("dangling escape", line);
            }
            const char c = line[j];
            if (c == 'n') {
              value += '\n';
            } else if (c == '\\' || c == '"') {
              value += c;
            } else {
              return fail("bad escape", line);
            }
          } else {
            value += line[j];
          }
        }
        if (j >= line.size()) {
          return fail("unterminated label value", line);
        }
        if (!s.labels.emplace(lname, value).second) {
          return fail("repeated label", line);
        }
        i = j + 1;
        if (i < line.size() && line[i] == ',') {
          ++i;
        }
      }
      if (i >= line.size()) {
        return fail("unterminated labels", line);
      }
      ++i;  // '}'
    }
    if (i >= line.size() || line[i] != ' ') {
      return fail("missing value", line);
    }
    const auto v = parseValue(line.substr(i + 1));
    if (!v) {
      return fail("bad value", line);
    }
    s.value = *v;
    if (e.types.count(familyOf(e, s.name)) == 0) {
      return fail("sample without TYPE", line);
    }
    e.samples.push_back(std::move(s));
  }
  // Histogram invariants: cumulative buckets, +Inf bucket equals _count.
  std::map<std::string, std::vector<const ParsedSample*>> buckets;
  for (const auto& s : e.samples) {
    if (familyOf(e, s.name) != s.name && s.name.size() > 7 &&
        s.name.compare(s.name.size() - 7, 7, "_bucket") == 0) {
      auto labels = s.labels;
      if (labels.erase("le") != 1) {
        return fail("bucket without le", s.name);
      }
      std::string key = s.name;
      for (const auto& [k, v] : labels) {
        key += "|" + k + "=" + v;
      }
      buckets[key].push_back(&s);
    }
  }
  for (const auto& [key, list] : buckets) {
    double prev = 0;
    for (const auto* b : list) {
      if (b->value < prev) {
        return fail("buckets not cumulative", key);
      }
      prev = b->value;
    }
    if (list.back()->labels.at("le") != "+Inf") {
      return fail("last bucket is not +Inf", key);
    }
    auto labels = list.back()->labels;
    labels.erase("le");
    const auto base = list.back()->name.substr(0, list.back()->name.size() - 7);
    const auto count = e.value(base + "_count", labels);
    if (!count || *count != list.back()->value) {
      return fail("+Inf bucket differs from _count", key);
    }
  }
  return e;
}

}  // namespace gw::observe::testing
