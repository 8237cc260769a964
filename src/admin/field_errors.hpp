#pragma once

#include <string>

#include "admin/common.hpp"

namespace gw::admin {

/// A 400 error about one field: message "path: message", `param` = path. Blocking helpers
/// return it as a value; sendFailure() turns it into a response with `details`.
Error fieldError(const std::string& path, const std::string& message);

/// The field problem an InvalidRequest error describes: {param, message without the leading
/// "param: "}; {"", message} when it names no field.
http::FieldError toFieldError(const Error& error);

/// Sends `error`; an InvalidRequest error naming a field (Error::param) also carries it as
/// `details` [{"path","message"}], so clients can show it beside the field.
net::awaitable<void> sendFailure(RequestContext& rc, const Error& error);

}  // namespace gw::admin
