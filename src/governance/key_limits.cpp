#include "governance/key_limits.hpp"

#include <cmath>

namespace gw::governance {

namespace {

/// A JSON integer (or an integral double) within int64, else nullopt.
std::optional<std::int64_t> integerOf(const json::value& v) {
  if (v.is_int64()) {
    return v.get_int64();
  }
  if (v.is_uint64()) {
    return v.get_uint64() <= static_cast<std::uint64_t>(kMaxLimitValue)
               ? std::optional<std::int64_t>(static_cast<std::int64_t>(v.get_uint64()))
               : std::optional<std::int64_t>(kMaxLimitValue + 1);
  }
  if (v.is_double()) {
    const double d = v.get_double();
    if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9e15) {
      return static_cast<std::int64_t>(d);
    }
  }
  return std::nullopt;
}

/// Reads the limit fields of `o` into `out`, appending a FieldError per bad field.
/// `clock` set: an expiry must lie in the future.
class LimitsReader {
public:
  LimitsReader(const json::object& o, KeyLimits& out, const Clock* clock)
      : o_(o), out_(out), clock_(clock) {}

  std::vector<FieldError> run() {
    if (const auto* v = o_.if_contains("enabled"); v && !v->is_null()) {
      if (v->is_bool()) {
        out_.enabled = v->get_bool();
      } else {
        fail("enabled", "must be true or false");
      }
    }
    positive("rpm_limit", out_.rpm_limit);
    positive("tpm_limit", out_.tpm_limit);
    positive("max_concurrency", out_.max_concurrency);
    budget();
    period();
    expiry();
    ips();
    models();
    return std::move(errors_);
  }

private:
  /// The field's value, or nullptr when absent or null (both mean "no limit").
  const json::value* present(std::string_view key) const {
    const auto* v = o_.if_contains(key);
    return v == nullptr || v->is_null() ? nullptr : v;
  }

  void fail(std::string path, std::string message) {
    errors_.push_back({std::move(path), std::move(message)});
  }

  void positive(std::string_view key, std::optional<std::int64_t>& out) {
    const auto* v = present(key);
    if (v == nullptr) {
      return;
    }
    const auto n = integerOf(*v);
    if (!n || *n <= 0 || *n > kMaxLimitValue) {
      fail(std::string(key), "must be a positive integer (1-" + std::to_string(kMaxLimitValue) +
                                 ") or null for no limit");
      return;
    }
    out = *n;
  }

  void budget() {
    const auto* v = present("budget_usd");
    if (v == nullptr) {
      return;
    }
    const auto d = asNumber(*v);
    if (!d || !std::isfinite(*d) || *d <= 0) {
      fail("budget_usd", "must be a number greater than 0 or null for no budget");
      return;
    }
    out_.budget_usd = *d;
  }

  void period() {
    const auto* v = present("budget_period");
    if (v == nullptr) {
      return;
    }
    const auto p = v->is_string() ? parseBudgetPeriod(v->get_string()) : std::nullopt;
    if (!p) {
      fail("budget_period", "must be one of daily, weekly, monthly, total");
      return;
    }
    out_.budget_period = *p;
  }

  void expiry() {
    const auto* v = present("expires_at");
    if (v == nullptr) {
      return;
    }
    std::chrono::system_clock::time_point t;
    if (!v->is_string() || !parseRfc3339(v->get_string(), t)) {
      fail("expires_at", "must be an RFC 3339 time such as 2030-01-31T00:00:00Z, or null");
      return;
    }
    if (clock_ != nullptr && t <= clock_->now()) {
      fail("expires_at", "must be in the future");
      return;
    }
    out_.expires_at = t;
  }

  /// Checks that `key` is an array of strings; calls `each(index, string)` for each.
  template <class Fn>
  void stringArray(std::string_view key, Fn&& each) {
    const auto* v = present(key);
    if (v == nullptr) {
      return;
    }
    if (!v->is_array()) {
      fail(std::string(key), "must be an array of strings");
      return;
    }
    const auto& arr = v->get_array();
    for (std::size_t i = 0; i < arr.size(); ++i) {
      const std::string path = std::string(key) + "[" + std::to_string(i) + "]";
      if (!arr[i].is_string() || arr[i].get_string().empty()) {
        fail(path, "must be a non-empty string");
        continue;
      }
      each(path, std::string(arr[i].get_string()));
    }
  }

  void ips() {
    std::vector<std::string> entries;
    stringArray("allowed_ips", [&](const std::string& path, std::string s) {
      if (auto n = IpNetwork::parse(s); !n) {
        fail(path, n.error().message);
      } else {
        entries.push_back(std::move(s));
      }
    });
    if (auto list = IpAllowlist::parse(entries)) {
      out_.allowed_ips = std::move(*list);
    }
  }

  void models() {
    stringArray("allowed_models", [&](const std::string&, std::string s) {
      out_.allowed_models.push_back(std::move(s));
    });
  }

  const json::object& o_;
  KeyLimits& out_;
  const Clock* clock_;
  std::vector<FieldError> errors_;
};

}  // namespace

bool KeyLimits::modelAllowed(std::string_view model) const {
  if (allowed_models.empty()) {
    return true;
  }
  for (const auto& m : allowed_models) {
    if (!m.empty() && m.back() == '*') {
      if (model.substr(0, m.size() - 1) == std::string_view(m).substr(0, m.size() - 1)) {
        return true;
      }
    } else if (m == model) {
      return true;
    }
  }
  return false;
}

std::vector<FieldError> validateKeyLimits(const json::object& body, const Clock& clock) {
  KeyLimits scratch;
  return LimitsReader(body, scratch, &clock).run();
}

json::array fieldErrorsToJson(const std::vector<FieldError>& errors) {
  json::array out;
  for (const auto& e : errors) {
    out.push_back(json::object{{"path", e.path}, {"message", e.message}});
  }
  return out;
}

Result<KeyLimits> keyLimitsFromJson(const json::object& o) {
  KeyLimits limits;
  auto errors = LimitsReader(o, limits, nullptr).run();
  if (!errors.empty()) {
    return Error::invalid(errors.front().path + ": " + errors.front().message,
                          errors.front().path);
  }
  return limits;
}

}  // namespace gw::governance
