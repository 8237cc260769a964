#include "admin/resource_helpers.hpp"

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

namespace gw::admin {

net::awaitable<void> respond(RequestContext& rc, BlockingPool& pool, const PoolWork& work,
                             unsigned status) {
  auto answer = co_await pool.run([&work] { return work(); });
  if (!answer) {
    co_await sendFailure(rc, answer.error());
    co_return;
  }
  co_await rc.sendJson(status, *answer);
}

http::Handler listRoute(AdminDeps& d, std::function<store::ListQuery(const RequestContext&)> query,
                        std::function<json::object(const store::ListQuery&)> page) {
  return guarded(d.jwt, d.clock,
                 [&d, query = std::move(query), page = std::move(page)](
                     RequestContext& rc, const auth::Claims&) -> net::awaitable<void> {
                   const auto q = query(rc);
                   auto answer = co_await d.pool.run([&] { return page(q); });
                   co_await rc.sendJson(200, answer);
                 });
}

http::Handler getRoute(AdminDeps& d, std::function<std::optional<json::object>(std::int64_t)> load,
                       std::string missing) {
  return guarded(d.jwt, d.clock,
                 [&d, load = std::move(load), missing = std::move(missing)](
                     RequestContext& rc, const auth::Claims&) -> net::awaitable<void> {
                   auto id = co_await pathId(rc);
                   if (!id) {
                     co_return;
                   }
                   auto answer = co_await d.pool.run([&] { return load(*id); });
                   if (!answer) {
                     co_await sendError(rc, Error::notFound(missing));
                     co_return;
                   }
                   co_await rc.sendJson(200, *answer);
                 });
}

http::Handler deleteRoute(AdminDeps& d, std::function<bool(std::int64_t)> remove,
                          std::string missing) {
  return guarded(d.jwt, d.clock,
                 [&d, remove = std::move(remove), missing = std::move(missing)](
                     RequestContext& rc, const auth::Claims&) -> net::awaitable<void> {
                   auto id = co_await pathId(rc);
                   if (!id) {
                     co_return;
                   }
                   const bool removed = co_await d.pool.run([&] { return remove(*id); });
                   if (!removed) {
                     co_await sendError(rc, Error::notFound(missing));
                     co_return;
                   }
                   co_await rc.sendNoContent();
                 });
}

net::awaitable<void> runBodyWork(RequestContext& rc, AdminDeps& d, const BodyWork& work,
                                 unsigned status) {
  auto body = co_await readJsonBody(rc);
  if (!body) {
    co_return;
  }
  std::vector<http::FieldError> errors;
  auto answer = co_await d.pool.run([&] { return work(*body, errors); });
  if (!errors.empty()) {
    co_await sendInvalid(rc, errors);
    co_return;
  }
  if (!answer) {
    co_await sendFailure(rc, answer.error());
    co_return;
  }
  co_await rc.sendJson(status, *answer);
}

Error invalidFields() {
  return Error::invalid("invalid fields");
}

http::Handler bodyRoute(AdminDeps& d, BodyWork work, unsigned status) {
  return guarded(d.jwt, d.clock,
                 [&d, work = std::move(work), status](RequestContext& rc, const auth::Claims&)
                     -> net::awaitable<void> { co_await runBodyWork(rc, d, work, status); });
}

http::Handler recordBodyRoute(AdminDeps& d, RecordBodyWork work) {
  return guarded(d.jwt, d.clock,
                 [&d, work = std::move(work)](RequestContext& rc,
                                              const auth::Claims&) -> net::awaitable<void> {
                   auto id = co_await pathId(rc);
                   if (!id) {
                     co_return;
                   }
                   const std::int64_t record = *id;
                   const BodyWork bound = [&work, record](const json::object& body,
                                                          std::vector<http::FieldError>& errors) {
                     return work(record, body, errors);
                   };
                   co_await runBodyWork(rc, d, bound, 200);
                 });
}

}  // namespace gw::admin
