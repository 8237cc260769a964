#include "admin/common.hpp"

#include <charconv>

#include "core/log.hpp"
#include "store/sqlite/database.hpp"

namespace gw::admin {

net::awaitable<void> sendError(RequestContext& rc, const Error& error,
                               const std::vector<http::FieldError>& details) {
  if (error.retry_after_seconds) {
    rc.addHeader("retry-after", std::to_string(*error.retry_after_seconds));
  }
  co_await rc.sendJson(httpStatus(error), http::adminErrorBody(error, details));
}

net::awaitable<void> sendInvalid(RequestContext& rc, const std::vector<http::FieldError>& details) {
  std::string message = details.empty() ? "invalid request" : details.front().path + ": " +
                                                                  details.front().message;
  if (details.size() > 1) {
    message += " (and " + std::to_string(details.size() - 1) + " more)";
  }
  co_await sendError(rc, Error::invalid(message), details);
}

namespace {

net::awaitable<void> runMapped(RequestContext& rc, std::function<net::awaitable<void>()> body) {
  std::optional<Error> failure;
  try {
    co_await body();
  } catch (const store::sqlite::StoreError& e) {
    if (e.constraint()) {
      failure = Error{ErrorCode::Conflict, "conflicts with an existing record"};
    } else {
      GW_LOG_ERROR("store failure{}{}", log::kv("request_id", rc.requestId()),
                   log::kv("error", e.what()));
      failure = Error{ErrorCode::ServiceUnavailable, "the database is unavailable"};
    }
  }
  if (failure && !rc.responded()) {
    co_await sendError(rc, *failure);
  }
}

}  // namespace

http::Handler guarded(const auth::JwtSigner& jwt, const Clock& clock, AdminHandler handler) {
  return [&jwt, &clock, handler = std::move(handler)](RequestContext& rc) -> net::awaitable<void> {
    const std::string_view authz = rc.header("authorization");
    constexpr std::string_view kBearer = "Bearer ";
    if (authz.size() <= kBearer.size() ||
        !boost::beast::iequals(authz.substr(0, kBearer.size()), kBearer)) {
      co_await sendError(rc, Error{ErrorCode::Unauthorized, "missing bearer token"});
      co_return;
    }
    auto claims = jwt.verify(authz.substr(kBearer.size()), clock.now());
    if (!claims) {
      co_await sendError(rc, claims.error());
      co_return;
    }
    const bool read_only = rc.method() == "GET" || rc.method() == "HEAD";
    if (!read_only && claims->role != "admin") {
      co_await sendError(rc, Error{ErrorCode::Forbidden, "this account is read-only"});
      co_return;
    }
    rc.logField("user", claims->username);
    const auth::Claims c = *claims;
    co_await runMapped(rc, [&]() { return handler(rc, c); });
  };
}

http::Handler unguarded(std::function<net::awaitable<void>(RequestContext&)> handler) {
  return [handler = std::move(handler)](RequestContext& rc) -> net::awaitable<void> {
    co_await runMapped(rc, [&]() { return handler(rc); });
  };
}

net::awaitable<std::optional<json::object>> readJsonBody(RequestContext& rc) {
  auto body = parseJsonObject(rc.body());
  if (!body) {
    co_await sendError(rc, body.error());
    co_return std::nullopt;
  }
  co_return std::move(*body);
}

net::awaitable<std::optional<std::int64_t>> pathId(RequestContext& rc, const char* name) {
  const std::string_view text = rc.param(name);
  std::int64_t id = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || p != text.data() + text.size() || id <= 0) {
    co_await sendError(rc, Error::notFound("no such record: " + std::string(text)));
    co_return std::nullopt;
  }
  co_return id;
}

store::ListQuery listQuery(const RequestContext& rc, std::initializer_list<const char*> filters) {
  store::ListQuery q;
  q.q = rc.queryParam("q");
  auto toInt = [](const std::string& s, int fallback) {
    int v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return (ec == std::errc() && p == s.data() + s.size()) ? v : fallback;
  };
  q.page = std::max(1, toInt(rc.queryParam("page"), 1));
  q.page_size = std::clamp(toInt(rc.queryParam("page_size"), 20), 1, 200);
  q.sort = rc.queryParam("sort");
  q.descending = rc.queryParam("order") == "desc";
  for (const char* f : filters) {
    std::string v = rc.queryParam(f);
    if (!v.empty()) {
      q.filters[f] = std::move(v);
    }
  }
  return q;
}

json::object pageJson(json::array data, std::int64_t total) {
  return json::object{{"data", std::move(data)}, {"total", total}};
}

std::optional<std::string> FieldReader::string(std::string_view key, std::size_t max_len,
                                               bool required) {
  const auto* v = body_.if_contains(key);
  if (!v || v->is_null()) {
    if (required) {
      fail(std::string(key), "is required");
    }
    return std::nullopt;
  }
  if (!v->is_string()) {
    fail(std::string(key), "must be a string");
    return std::nullopt;
  }
  std::string s(v->get_string());
  if (required && s.empty()) {
    fail(std::string(key), "must not be empty");
    return std::nullopt;
  }
  if (s.size() > max_len) {
    fail(std::string(key), "must be at most " + std::to_string(max_len) + " characters");
    return std::nullopt;
  }
  return s;
}

std::optional<bool> FieldReader::boolean(std::string_view key) {
  const auto* v = body_.if_contains(key);
  if (!v || v->is_null()) {
    return std::nullopt;
  }
  if (!v->is_bool()) {
    fail(std::string(key), "must be true or false");
    return std::nullopt;
  }
  return v->get_bool();
}

std::optional<std::int64_t> FieldReader::integer(std::string_view key, std::int64_t min,
                                                 std::int64_t max) {
  const auto* v = body_.if_contains(key);
  if (!v || v->is_null()) {
    return std::nullopt;
  }
  const auto i = getInt(body_, key);
  if (!i || *i < min || *i > max) {
    fail(std::string(key), "must be a whole number from " + std::to_string(min) + " to " +
                               std::to_string(max));
    return std::nullopt;
  }
  return i;
}

std::optional<double> FieldReader::number(std::string_view key, double min, double max) {
  const auto* v = body_.if_contains(key);
  if (!v || v->is_null()) {
    return std::nullopt;
  }
  const auto d = asNumber(*v);
  if (!d || *d < min || *d > max) {
    fail(std::string(key), "must be a number from " + std::to_string(min) + " to " +
                               std::to_string(max));
    return std::nullopt;
  }
  return d;
}

const json::object* FieldReader::object(std::string_view key) {
  const auto* v = body_.if_contains(key);
  if (!v || v->is_null()) {
    return nullptr;
  }
  if (!v->is_object()) {
    fail(std::string(key), "must be an object");
    return nullptr;
  }
  return &v->get_object();
}

const json::array* FieldReader::array(std::string_view key) {
  const auto* v = body_.if_contains(key);
  if (!v || v->is_null()) {
    return nullptr;
  }
  if (!v->is_array()) {
    fail(std::string(key), "must be an array");
    return nullptr;
  }
  return &v->get_array();
}

}  // namespace gw::admin
