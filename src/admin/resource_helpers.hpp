#pragma once

#include <functional>
#include <optional>
#include <string>

#include "admin/routes.hpp"

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

/// Blocking work whose answer is a JSON document or an error.
using PoolWork = std::function<Result<json::value>()>;

/// Runs `work` on the blocking pool, then sends its answer with `status`, or its error through
/// sendFailure(). `work` may reference the caller's locals: it finishes before this returns.
net::awaitable<void> respond(RequestContext& rc, BlockingPool& pool, const PoolWork& work,
                             unsigned status = 200);

/// GET list route: `query` reads the query string (on the loop), `page` loads and renders
/// {"data","total"} on the blocking pool.
http::Handler listRoute(AdminDeps& d, std::function<store::ListQuery(const RequestContext&)> query,
                        std::function<json::object(const store::ListQuery&)> page);

/// GET /:id route: `load` renders the record on the pool, nullopt answering 404 `missing`.
http::Handler getRoute(AdminDeps& d, std::function<std::optional<json::object>(std::int64_t)> load,
                       std::string missing);

/// DELETE /:id route: `remove` runs on the pool (rebuilding what depends on the record) and
/// returns false for an unknown id, answering 404 `missing`; 204 otherwise.
http::Handler deleteRoute(AdminDeps& d, std::function<bool(std::int64_t)> remove,
                          std::string missing);

/// Blocking work on a JSON request body: field problems go to `errors` (all answered at once
/// with 400), any other failure is the returned error.
using BodyWork = std::function<Result<json::value>(const json::object& body,
                                                   std::vector<http::FieldError>& errors)>;
/// The same for a route on one record (`:id`).
using RecordBodyWork = std::function<Result<json::value>(std::int64_t id, const json::object& body,
                                                         std::vector<http::FieldError>& errors)>;

/// Reads the JSON object body (400 when malformed), runs `work` on the blocking pool and
/// answers its JSON with `status` (400 with every recorded field error, or its error).
net::awaitable<void> runBodyWork(RequestContext& rc, AdminDeps& d, const BodyWork& work,
                                 unsigned status);

/// A route that reads a JSON object body (400 when malformed), runs `work` on the blocking pool
/// and answers its JSON with `status`.
http::Handler bodyRoute(AdminDeps& d, BodyWork work, unsigned status = 200);

/// bodyRoute() for `/:id` paths (404 for an id that is not a positive integer).
http::Handler recordBodyRoute(AdminDeps& d, RecordBodyWork work);

/// What BodyWork returns when it has recorded field errors (the errors are what is answered).
Error invalidFields();

}  // namespace gw::admin
