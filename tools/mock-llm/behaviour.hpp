#pragma once

#include <boost/beast/http/fields.hpp>

#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace gw::mock {

/// Transport-level misbehaviour injected into one response.
enum class Fault {
  None,
  ResetMidStream, ///< send part of the body, then RST the TCP connection (SO_LINGER 0)
  Stall,          ///< send headers (+ one frame when streaming), then nothing until the peer closes
  MalformedJson,  ///< invalid JSON body, or one invalid frame inside a stream
  SlowTrickle,    ///< send the body one byte at a time
  CloseBeforeHeaders, ///< close the connection without answering
  BadCrc,             ///< Bedrock event stream: one frame with a wrong message CRC
};

/// Per-request behaviour, from `x-mock-*` headers and/or a `model@k=v,...` suffix.
struct Behaviour {
  int latency_ms = 0;
  int chunks = 5;
  int chunk_delay_ms = 0;
  unsigned status = 0;
  std::string retry_after;
  Fault fault = Fault::None;
  int fail_times = 0;
  std::string scenario;
  std::optional<std::string> reply;
};

/// Applies one setting; `key` is a header name without `x-mock-` or a model-suffix key
/// ("chunk-delay-ms", "chunk_delay" and "chunk_delay_ms" are the same key). Unknown keys and
/// unparsable values are ignored (never assert on network input).
void applySetting(Behaviour& b, std::string_view key, std::string_view value);

/// Applies every `x-mock-*` header.
void applyHeaders(Behaviour& b, const boost::beast::http::fields& headers);

/// Splits `model@k=v,k=v` into its base model name and settings; applies the settings to `b`.
/// Returns the base model (the part before `@`).
std::string applyModelSuffix(Behaviour& b, std::string_view model);

/// Counts requests per scenario id for the "fail N times then succeed" behaviour.
/// @par Thread Safety Safe to call from any thread.
class ScenarioBook {
public:
  /// Counts one more request of `scenario`; true while it is among the first `fail_times`.
  bool shouldFail(const std::string& scenario, int fail_times);
  void clear();

private:
  std::mutex mu_;
  std::unordered_map<std::string, int> seen_;
};

} // namespace gw::mock
