#include "core/error.hpp"

namespace gw {

Error Error::invalid(std::string message, std::string param) {
  Error e{ErrorCode::InvalidRequest, std::move(message)};
  e.param = std::move(param);
  return e;
}

Error Error::notFound(std::string message) { return Error{ErrorCode::NotFound, std::move(message)}; }

Error Error::internal(std::string message) { return Error{ErrorCode::Internal, std::move(message)}; }

unsigned httpStatus(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidRequest: return 400;
    case ErrorCode::Unauthorized: return 401;
    case ErrorCode::Forbidden: return 403;
    case ErrorCode::NotFound: return 404;
    case ErrorCode::MethodNotAllowed: return 405;
    case ErrorCode::Conflict: return 409;
    case ErrorCode::PayloadTooLarge: return 413;
    case ErrorCode::Unsupported: return 400;
    case ErrorCode::RateLimited: return 429;
    case ErrorCode::BudgetExceeded: return 429;
    case ErrorCode::UpstreamError: return 502;
    case ErrorCode::UpstreamUnavailable: return 502;
    case ErrorCode::UpstreamTimeout: return 504;
    case ErrorCode::NoAvailableTarget: return 503;
    case ErrorCode::Internal: return 500;
    case ErrorCode::ServiceUnavailable: return 503;
  }
  return 500;
}

unsigned httpStatus(const Error& error) {
  // A provider's own 4xx (bad request, context too long, content policy) is the client's
  // problem and keeps its status; the provider's 401/403 is our configuration's problem.
  if (error.code == ErrorCode::UpstreamError && error.upstream_status) {
    const int s = *error.upstream_status;
    if (s == 400 || s == 404 || s == 409 || s == 413 || s == 422 || s == 429) {
      return static_cast<unsigned>(s);
    }
  }
  return httpStatus(error.code);
}

std::string_view openAiType(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidRequest: return "invalid_request_error";
    case ErrorCode::Unauthorized: return "authentication_error";
    case ErrorCode::Forbidden: return "permission_error";
    case ErrorCode::NotFound: return "invalid_request_error";
    case ErrorCode::MethodNotAllowed: return "invalid_request_error";
    case ErrorCode::Conflict: return "invalid_request_error";
    case ErrorCode::PayloadTooLarge: return "invalid_request_error";
    case ErrorCode::Unsupported: return "invalid_request_error";
    case ErrorCode::RateLimited: return "rate_limit_error";
    case ErrorCode::BudgetExceeded: return "insufficient_quota";
    case ErrorCode::UpstreamError: return "api_error";
    case ErrorCode::UpstreamUnavailable: return "api_error";
    case ErrorCode::UpstreamTimeout: return "timeout_error";
    case ErrorCode::NoAvailableTarget: return "api_error";
    case ErrorCode::Internal: return "api_error";
    case ErrorCode::ServiceUnavailable: return "api_error";
  }
  return "api_error";
}

std::string_view errorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidRequest: return "invalid_request";
    case ErrorCode::Unauthorized: return "unauthorized";
    case ErrorCode::Forbidden: return "forbidden";
    case ErrorCode::NotFound: return "not_found";
    case ErrorCode::MethodNotAllowed: return "method_not_allowed";
    case ErrorCode::Conflict: return "conflict";
    case ErrorCode::PayloadTooLarge: return "payload_too_large";
    case ErrorCode::Unsupported: return "unsupported_parameter";
    case ErrorCode::RateLimited: return "rate_limit_exceeded";
    case ErrorCode::BudgetExceeded: return "budget_exceeded";
    case ErrorCode::UpstreamError: return "upstream_error";
    case ErrorCode::UpstreamUnavailable: return "upstream_unavailable";
    case ErrorCode::UpstreamTimeout: return "upstream_timeout";
    case ErrorCode::NoAvailableTarget: return "no_available_target";
    case ErrorCode::Internal: return "internal_error";
    case ErrorCode::ServiceUnavailable: return "service_unavailable";
  }
  return "internal_error";
}

bool isRetryable(const Error& error) {
  switch (error.code) {
    case ErrorCode::InvalidRequest:
    case ErrorCode::Unauthorized:
    case ErrorCode::Forbidden:
    case ErrorCode::NotFound:
    case ErrorCode::MethodNotAllowed:
    case ErrorCode::Conflict:
    case ErrorCode::PayloadTooLarge:
    case ErrorCode::Unsupported:
    case ErrorCode::RateLimited:
    case ErrorCode::BudgetExceeded:
    case ErrorCode::Internal:
      return false;
    case ErrorCode::UpstreamError:
      // 4xx from the provider other than 408/409/429 will fail the same way elsewhere.
      if (error.upstream_status) {
        const int s = *error.upstream_status;
        return s >= 500 || s == 408 || s == 409 || s == 429 || s == 401 || s == 403;
      }
      return true;
    case ErrorCode::UpstreamUnavailable:
    case ErrorCode::UpstreamTimeout:
    case ErrorCode::NoAvailableTarget:
    case ErrorCode::ServiceUnavailable:
      return true;
  }
  return false;
}

}  // namespace gw
