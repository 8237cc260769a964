#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gw {

/// Every failure the gateway can report. Each code maps to exactly one HTTP status, one OpenAI
/// error type and one retry decision in error.cpp (switches without `default`, so -Wswitch
/// flags a code that is not mapped).
enum class ErrorCode {
  InvalidRequest,     ///< malformed JSON, wrong types, missing fields (400)
  Unauthorized,       ///< missing or unknown credentials (401)
  Forbidden,          ///< disabled/expired key, model not allowed, address refused (403)
  NotFound,           ///< unknown route, resource or model (404)
  MethodNotAllowed,   ///< route exists with another method (405)
  Conflict,           ///< unique constraint, e.g. a provider name taken (409)
  PayloadTooLarge,    ///< body over the limit (413)
  Unsupported,        ///< a request feature the target provider cannot express (400)
  RateLimited,        ///< rpm/tpm/concurrency/login lockout (429)
  BudgetExceeded,     ///< the key's budget for the period is spent (429)
  UpstreamError,      ///< provider answered an error or garbage (502, or its own status)
  UpstreamUnavailable,///< connection refused/reset, DNS failure (502)
  UpstreamTimeout,    ///< connect, first-byte, idle or total deadline passed (504)
  NoAvailableTarget,  ///< every routing target is open-circuit or failed (503)
  Internal,           ///< a bug or an unexpected failure (500)
  ServiceUnavailable, ///< store unreachable, shutting down (503)
};

/// A failure as a value. `upstream_status` is set when a provider answered with an HTTP error;
/// `provider` names the provider involved (never its credentials).
/// Not an aggregate on purpose: GCC 12 miscompiles brace-initialised aggregate temporaries
/// holding std::string inside co_await expressions (double free); a constructor avoids it.
struct Error {
  Error() = default;
  Error(ErrorCode c, std::string m) : code(c), message(std::move(m)) {}

  ErrorCode code = ErrorCode::Internal;
  std::string message;
  std::optional<int> upstream_status;
  std::string provider;
  std::string param;                     ///< the offending field, for 400s
  std::optional<int> retry_after_seconds; ///< for 429s and upstream Retry-After

  static Error invalid(std::string message, std::string param = {});
  static Error notFound(std::string message);
  static Error internal(std::string message);
};

/// HTTP status a client sees for `code`.
unsigned httpStatus(ErrorCode code);
/// HTTP status for an error, honouring an upstream 4xx status where it is meaningful.
unsigned httpStatus(const Error& error);
/// OpenAI error `type` string for `code`.
std::string_view openAiType(ErrorCode code);
/// Machine-readable code used in admin API errors and OpenAI `code`, e.g. "invalid_request".
std::string_view errorCodeName(ErrorCode code);
/// Whether another attempt (retry or fallback) may succeed where this one failed.
bool isRetryable(const Error& error);

}  // namespace gw
