#pragma once

// Shared set-up of the data-plane end-to-end tests (routing, governance, metrics): a gateway
// with an admin token, resources created through the admin API, and helpers to call /v1 and
// to wait for asynchronous effects with a bounded deadline.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "integration/test_support.hpp"

namespace gw::test {

/// A gateway (restartable on the same database) plus an admin token.
class E2eGateway {
public:
  /// `env` is passed to TestGateway; DB_PATH defaults to a file in a directory that outlives
  /// restart().
  explicit E2eGateway(std::map<std::string, std::string> env = {});
  ~E2eGateway();

  TestGateway& gw() { return *gw_; }
  const std::string& dbPath() const { return env_.at("DB_PATH"); }
  const std::string& token() const { return token_; }
  /// Stops this gateway and starts a new one on the same database (logs in again).
  void restart();

  /// An admin call with the token; `body` null sends no body.
  HttpResponse admin(const std::string& method, const std::string& path,
                     const json::value& body = nullptr);

  /// Creates an OpenAI-type (or `type`) provider at `base_url` with a dummy API key; throws on
  /// failure.
  std::int64_t createProvider(const std::string& name, const std::string& base_url,
                              const std::string& type = "openai");
  /// Creates a model (public `name`, upstream `model_id`); `extra` adds fields such as prices.
  std::int64_t createModel(std::int64_t provider_id, const std::string& name,
                           const std::string& model_id, const json::object& extra = {});
  /// Creates a routing config; throws unless 201.
  std::int64_t createConfig(const std::string& name, const json::value& config,
                            const std::optional<std::string>& virtual_model = std::nullopt);
  /// Creates a virtual key with `fields` (name defaulted) and returns the full key.
  std::string createKey(json::object fields = {});
  std::int64_t lastKeyId() const { return last_key_id_; }

  /// POST /v1/chat/completions with `key` for `model`; `extra` is merged into the body.
  HttpResponse chat(const std::string& key, const std::string& model,
                    const std::map<std::string, std::string>& headers = {},
                    const json::object& extra = {});

private:
  TempDir db_dir_;
  std::map<std::string, std::string> env_;
  std::unique_ptr<TestGateway> gw_;
  std::string token_;
  std::int64_t last_key_id_ = 0;
};

/// POSTs `body` to `target` and closes the connection after `after` without reading the
/// answer (a client that gives up).
void abandonPost(unsigned short port, const std::string& target, const std::string& body,
                 const std::map<std::string, std::string>& headers,
                 std::chrono::milliseconds after);

/// Runs `fn(i)` for i in [0, n) on n threads released together; answers in index order.
std::vector<HttpResponse> parallel(int n, const std::function<HttpResponse(int)>& fn);

/// Polls `pred` every 20 ms until it holds or `limit` passes; returns its last value.
bool eventually(const std::function<bool()>& pred,
                std::chrono::milliseconds limit = std::chrono::seconds(2));

/// The sum of every sample of `metric` (any labels) in Prometheus text.
double sumMetric(const std::string& text, const std::string& metric);

/// The `choices[0].message.content` of a chat answer ("" when absent).
std::string chatText(const HttpResponse& r);

/// The JSON objects of an SSE body's `data: {...}` events, in order (`[DONE]` is not one).
std::vector<json::object> sseJsonEvents(const std::string& body);

/// The `total_tokens` of the last event of an SSE body carrying a `usage` object (0 when none).
std::int64_t sseTotalTokens(const std::string& body);

/// POST /v1/chat/completions on 127.0.0.1:`port` with `key` for `model` (one user message);
/// `extra` is merged into the body.
HttpResponse postChat(unsigned short port, const std::string& key, const std::string& model,
                      const std::map<std::string, std::string>& headers = {},
                      const json::object& extra = {});

}  // namespace gw::test
