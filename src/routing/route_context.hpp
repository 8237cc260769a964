#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/json.hpp"
#include "providers/provider.hpp"

namespace gw::routing {

/// What routing decisions may look at for one request, plus the request's routing limits.
/// Built by the dataplane per request; lives for the request.
/// @par Thread Safety
/// Not thread-safe; one per request, used on the request's event loop only.
struct RouteContext {
  /// Request metadata from the `x-gateway-metadata` / `x-portkey-metadata` header (JSON object);
  /// conditions read it as `metadata.<key>[.<key>...]`.
  json::object metadata;
  /// The client's request body (not owned; must outlive the routing call); conditions read it
  /// as `params.<key>`. May be null (no JSON body).
  const json::object* params = nullptr;
  /// The request path, e.g. "/v1/chat/completions"; conditions read it as `url.pathname`.
  std::string path;
  /// Total deadline of the request on the steady clock; no attempt starts after it and backoff
  /// never sleeps past it. Unset = no total deadline.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  /// Set by the dataplane: true once the first byte of the answer reached the client. After
  /// that the executor never retries nor falls back. Unset = never started.
  std::function<bool()> response_started;

  /// Whether the first byte of the answer has reached the client.
  bool responseStarted() const { return response_started && response_started(); }
};

/// The metadata object of a request: the JSON object in `x-gateway-metadata`, else in
/// `x-portkey-metadata`. Missing or malformed headers yield an empty object (metadata is a
/// routing hint, never a reason to fail a request).
json::object metadataFromHeaders(const providers::Headers& headers);

}  // namespace gw::routing
