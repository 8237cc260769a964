#include "admin/field_errors.hpp"

namespace gw::admin {

namespace {

/// "path: message" -> "message"; "path is required" -> "is required".
std::string withoutPath(const Error& error) {
  std::string message = error.message;
  for (const std::string& sep : {error.param + ": ", error.param + " "}) {
    if (message.rfind(sep, 0) == 0) {
      message.erase(0, sep.size());
      break;
    }
  }
  return message;
}

}  // namespace

http::FieldError toFieldError(const Error& error) {
  return http::FieldError{error.param, withoutPath(error)};
}

Error fieldError(const std::string& path, const std::string& message) {
  return Error::invalid(path + ": " + message, path);
}

net::awaitable<void> sendFailure(RequestContext& rc, const Error& error) {
  if (error.code != ErrorCode::InvalidRequest || error.param.empty()) {
    co_await sendError(rc, error);
    co_return;
  }
  std::vector<http::FieldError> details;
  details.push_back(toFieldError(error));
  co_await sendError(rc, error, details);
}

}  // namespace gw::admin
