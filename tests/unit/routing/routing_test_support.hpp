#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <deque>
#include <exception>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/json.hpp"
#include "core/random.hpp"
#include "routing/compiler.hpp"
#include "routing/executor.hpp"

namespace gw::routing::test {

inline std::string routingData(const std::string& name) {
  return std::string(GW_TEST_DATA_DIR) + "/routing/" + name;
}

inline json::value loadJson(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  auto v = parseJson(ss.str());
  if (!v) {
    throw std::runtime_error("bad fixture " + path + ": " + v.error().message);
  }
  return *v;
}

inline json::value parse(std::string_view text) { return parseJson(text).value(); }

inline providers::ProviderConfig provider(std::int64_t id, std::string name, std::string type) {
  providers::ProviderConfig p;
  p.id = id;
  p.name = std::move(name);
  p.type = type;
  p.family = type;
  p.base_url = "https://" + p.name + ".example.com/v1";
  p.api_key = "key-" + p.name;
  return p;
}

/// Stored providers named like the virtual keys of Portkey's documentation examples.
inline MapProviderDirectory directory() {
  MapProviderDirectory d;
  std::int64_t id = 1;
  for (const char* name :
       {"openai-virtual-key", "anthropic-virtual-key", "azure-openai-virtual-key",
        "cohere-virtual-key", "xx", "yy", "openai-xx", "openai-yy", "openai-zz",
        "virtual-key-xxx", "open-ai-xxx", "azure-open-ai-xxx", "...", "openai-prod"}) {
    d.addProvider(provider(id++, name, "openai"));
  }
  d.addType("openai", {"openai", "https://api.openai.com/v1"});
  d.addType("anthropic", {"anthropic", "https://api.anthropic.com/v1"});
  d.addType("groq", {"openai", "https://api.groq.com/openai/v1"});
  return d;
}

inline std::vector<std::string> errorStrings(const ValidationErrors& errors) {
  std::vector<std::string> out;
  for (const auto& e : errors) {
    out.push_back(e.toString());
  }
  return out;
}

/// A Random returning a fixed sequence (then its last value forever).
class ScriptedRandom final : public Random {
public:
  explicit ScriptedRandom(std::vector<double> values) : values_(std::move(values)) {}
  double uniform() override {
    const double v = values_[std::min(next_, values_.size() - 1)];
    ++next_;
    return v;
  }

private:
  std::vector<double> values_;
  std::size_t next_ = 0;
};

/// Records each delay and advances the fake clock by it, without sleeping.
class FakeSleeper final : public Sleeper {
public:
  explicit FakeSleeper(FakeClock& clock) : clock_(clock) {}
  net::awaitable<void> sleep(std::chrono::milliseconds delay) override {
    delays.push_back(delay);
    clock_.advance(delay);
    co_return;
  }
  std::vector<std::chrono::milliseconds> delays;

private:
  FakeClock& clock_;
};

inline Error upstreamStatus(int status, std::optional<int> retry_after = std::nullopt) {
  Error e;
  e.code = ErrorCode::UpstreamError;
  e.message = "upstream said " + std::to_string(status);
  e.upstream_status = status;
  e.retry_after_seconds = retry_after;
  return e;
}

inline Error connectionRefused() {
  Error e;
  e.code = ErrorCode::UpstreamUnavailable;
  e.message = "connection refused";
  return e;
}

inline Error timedOut() {
  Error e;
  e.code = ErrorCode::UpstreamTimeout;
  e.message = "first byte timeout";
  return e;
}

/// One recorded attempt.
struct Call {
  std::string provider;
  std::string path;
  std::string model;
  int attempt = 0;
  int retry = 0;
  std::chrono::milliseconds timeout{0};
};

/// Scripted upstream: per provider name, a queue of results (success when empty); `started`
/// makes a failing attempt mark the response as started first.
class FakeUpstream {
public:
  std::map<std::string, std::deque<Result<void>>> script;
  std::vector<Call> calls;
  bool started = false;
  bool start_on_attempt = false;
  std::chrono::milliseconds latency{0};
  FakeClock* clock = nullptr;

  AttemptFn fn() {
    return [this](const ResolvedTarget& t, const AttemptInfo& info) -> net::awaitable<Result<void>> {
      std::string model;
      if (const auto* m = getString(t.override_params, "model")) {
        model = std::string(*m);
      }
      calls.push_back({t.provider->name, t.path, model, info.attempt, info.retry, t.timeout});
      if (clock != nullptr) {
        clock->advance(latency);
      }
      if (start_on_attempt) {
        started = true;
      }
      auto& queue = script[t.provider->name];
      if (queue.empty()) {
        co_return Result<void>{};
      }
      auto r = queue.front();
      queue.pop_front();
      co_return r;
    };
  }

  std::vector<std::string> providersCalled() const {
    std::vector<std::string> out;
    for (const auto& c : calls) {
      out.push_back(c.provider);
    }
    return out;
  }
};

/// Runs an awaitable to completion on a private io_context.
template <class T>
T runSync(net::awaitable<T> awaitable) {
  net::io_context io;
  std::optional<T> out;
  net::co_spawn(
      io,
      [&]() -> net::awaitable<void> { out.emplace(co_await std::move(awaitable)); },
      [](std::exception_ptr e) {
        if (e) {
          std::rethrow_exception(e);
        }
      });
  io.run();
  return std::move(*out);
}

inline RouteNodePtr compileOk(const json::value& config, const ProviderDirectory& d) {
  auto r = compileConfig(config, d);
  if (!r.ok()) {
    std::string all;
    for (const auto& e : r.errors) {
      all += e.toString() + "\n";
    }
    throw std::runtime_error("config rejected:\n" + all);
  }
  return r.root;
}

}  // namespace gw::routing::test
