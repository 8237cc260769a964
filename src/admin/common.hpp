#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "auth/jwt.hpp"
#include "core/blocking.hpp"
#include "core/clock.hpp"
#include "core/json.hpp"
#include "http/errors.hpp"
#include "http/router.hpp"
#include "store/rows.hpp"

namespace gw::admin {

using http::RequestContext;
namespace net = boost::asio;

/// Sends an admin-shaped error with the status of its code.
net::awaitable<void> sendError(RequestContext& rc, const Error& error,
                               const std::vector<http::FieldError>& details = {});
/// Sends a 400 listing every bad field.
net::awaitable<void> sendInvalid(RequestContext& rc, const std::vector<http::FieldError>& details);

/// A handler that has passed authentication; `claims` is the caller.
using AdminHandler = std::function<net::awaitable<void>(RequestContext&, const auth::Claims&)>;

/// Wraps an admin handler: verifies the JWT (401), enforces the role (viewers may only GET:
/// 403), and turns store failures into 409 (constraint) or 500.
http::Handler guarded(const auth::JwtSigner& jwt, const Clock& clock, AdminHandler handler);

/// Wraps a public handler (login, register) with the same store-failure mapping.
http::Handler unguarded(std::function<net::awaitable<void>(RequestContext&)> handler);

/// Parses the request body as a JSON object, or nullopt after sending 400.
net::awaitable<std::optional<json::object>> readJsonBody(RequestContext& rc);

/// The `:id` path parameter as a positive integer, or nullopt after sending 404.
net::awaitable<std::optional<std::int64_t>> pathId(RequestContext& rc, const char* name = "id");

/// Paging and `q` from the query string; `filters` lists the exact filters to copy.
store::ListQuery listQuery(const RequestContext& rc, std::initializer_list<const char*> filters);

/// {"data":[...],"total":N}
json::object pageJson(json::array data, std::int64_t total);

/// Typed field readers collecting FieldErrors: each returns nullopt when absent, and records an
/// error when present with the wrong type. `null` reads as "clear" for optional fields.
class FieldReader {
public:
  explicit FieldReader(const json::object& body) : body_(body) {}
  bool has(std::string_view key) const { return body_.contains(key); }
  bool isNull(std::string_view key) const {
    const auto* v = body_.if_contains(key);
    return v && v->is_null();
  }
  std::optional<std::string> string(std::string_view key, std::size_t max_len = 1000,
                                    bool required = false);
  std::optional<bool> boolean(std::string_view key);
  std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max);
  std::optional<double> number(std::string_view key, double min, double max);
  const json::object* object(std::string_view key);
  const json::array* array(std::string_view key);
  void fail(std::string path, std::string message) {
    errors_.push_back({std::move(path), std::move(message)});
  }
  const std::vector<http::FieldError>& errors() const { return errors_; }
  bool ok() const { return errors_.empty(); }

private:
  const json::object& body_;
  std::vector<http::FieldError> errors_;
};

}  // namespace gw::admin
