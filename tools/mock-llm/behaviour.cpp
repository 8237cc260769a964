#include "behaviour.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace gw::mock {
namespace {

std::optional<int> toInt(std::string_view s) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size() || v < 0) {
    return std::nullopt;
  }
  return v;
}

std::string normaliseKey(std::string_view key) {
  std::string k;
  k.reserve(key.size());
  for (char c : key) {
    k.push_back(c == '-' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  if (k.size() > 3 && k.ends_with("_ms")) {
    k.resize(k.size() - 3);
  }
  return k;
}

std::optional<Fault> parseFault(std::string_view v) {
  if (v == "reset-mid-stream" || v == "reset") {
    return Fault::ResetMidStream;
  }
  if (v == "stall") {
    return Fault::Stall;
  }
  if (v == "malformed-json" || v == "malformed") {
    return Fault::MalformedJson;
  }
  if (v == "slow-trickle" || v == "trickle") {
    return Fault::SlowTrickle;
  }
  if (v == "close-before-headers" || v == "close") {
    return Fault::CloseBeforeHeaders;
  }
  if (v == "bad-crc") {
    return Fault::BadCrc;
  }
  if (v == "none") {
    return Fault::None;
  }
  return std::nullopt;
}

} // namespace

void applySetting(Behaviour& b, std::string_view key, std::string_view value) {
  const std::string k = normaliseKey(key);
  auto setInt = [&](auto& field) {
    if (auto v = toInt(value)) {
      field = static_cast<std::remove_reference_t<decltype(field)>>(*v);
    }
  };
  if (k == "latency") {
    setInt(b.latency_ms);
  } else if (k == "chunks") {
    setInt(b.chunks);
    b.chunks = std::max(b.chunks, 1);
  } else if (k == "chunk_delay") {
    setInt(b.chunk_delay_ms);
  } else if (k == "status") {
    setInt(b.status);
  } else if (k == "retry_after") {
    b.retry_after = std::string(value);
  } else if (k == "fault") {
    if (auto f = parseFault(value)) {
      b.fault = *f;
    }
  } else if (k == "fail_times") {
    setInt(b.fail_times);
  } else if (k == "scenario") {
    b.scenario = std::string(value);
  } else if (k == "reply") {
    b.reply = std::string(value);
  }
}

void applyHeaders(Behaviour& b, const boost::beast::http::fields& headers) {
  constexpr std::string_view kPrefix = "x-mock-";
  for (const auto& f : headers) {
    std::string_view name = f.name_string();
    if (name.size() <= kPrefix.size()) {
      continue;
    }
    bool match = std::equal(kPrefix.begin(), kPrefix.end(), name.begin(), [](char a, char c) {
      return a == std::tolower(static_cast<unsigned char>(c));
    });
    if (match) {
      applySetting(b, name.substr(kPrefix.size()), f.value());
    }
  }
}

std::string applyModelSuffix(Behaviour& b, std::string_view model) {
  auto at = model.find('@');
  if (at == std::string_view::npos) {
    return std::string(model);
  }
  std::string_view rest = model.substr(at + 1);
  while (!rest.empty()) {
    auto comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    auto eq = item.find('=');
    if (eq != std::string_view::npos) {
      applySetting(b, item.substr(0, eq), item.substr(eq + 1));
    }
  }
  return std::string(model.substr(0, at));
}

bool ScenarioBook::shouldFail(const std::string& scenario, int fail_times) {
  std::lock_guard lock(mu_);
  return ++seen_[scenario] <= fail_times;
}

void ScenarioBook::clear() {
  std::lock_guard lock(mu_);
  seen_.clear();
}

} // namespace gw::mock
