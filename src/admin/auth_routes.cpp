#include "admin/routes.hpp"

#include <regex>

#include "auth/password.hpp"

namespace gw::admin {

namespace {

json::object userJson(const store::UserRow& u) {
  return json::object{{"id", u.id}, {"username", u.username}, {"role", u.role},
                      {"created_at", u.created_at}};
}

bool validUsername(const std::string& s) {
  static const std::regex kPattern("^[A-Za-z0-9_.@-]{3,64}$");
  return std::regex_match(s, kPattern);
}

/// Reads and checks {"username","password"}; sends 400 and returns nullopt when bad.
net::awaitable<std::optional<std::pair<std::string, std::string>>> readCredentials(
    RequestContext& rc) {
  auto body = co_await readJsonBody(rc);
  if (!body) {
    co_return std::nullopt;
  }
  FieldReader f(*body);
  auto username = f.string("username", 64, true);
  auto password = f.string("password", 256, true);
  if (username && !validUsername(*username)) {
    f.fail("username", "must be 3-64 characters of letters, digits, _ . @ -");
  }
  if (password && password->size() < 8) {
    f.fail("password", "must be at least 8 characters");
  }
  if (!f.ok()) {
    co_await sendInvalid(rc, f.errors());
    co_return std::nullopt;
  }
  co_return std::pair{*username, *password};
}

json::object tokenAnswer(const AdminDeps& d, const store::UserRow& u) {
  auth::Claims c;
  c.user_id = u.id;
  c.username = u.username;
  c.role = u.role;
  json::object user;
  user["id"] = u.id;
  user["username"] = u.username;
  user["role"] = u.role;
  json::object out;
  out["token"] = d.jwt.issue(c, d.clock.now());
  out["user"] = std::move(user);
  return out;
}

// Blocking helpers, run on the pool. (Kept out of the coroutine lambdas: GCC 12 mis-compiles
// string literals inside lambdas nested in coroutines, "array used as initializer".)
std::optional<store::UserRow> createFirstAdmin(store::Store& s, const std::string& username,
                                               const std::string& password) {
  store::UserRow row;
  row.username = username;
  row.password_hash = auth::hashPassword(password);
  row.role = "admin";
  return s.users().createFirst(row);
}

store::UserRow createUser(store::Store& s, const std::string& username,
                          const std::string& password, const std::optional<std::string>& role) {
  store::UserRow row;
  row.username = username;
  row.password_hash = auth::hashPassword(password);
  row.role = role.value_or("viewer");
  return s.users().create(row);
}

}  // namespace

void registerAuthRoutes(http::Router& r, AdminDeps& d) {
  r.add("GET", "/api/auth/status", unguarded([&d](RequestContext& rc) -> net::awaitable<void> {
          const auto n = co_await d.pool.run([&] { return d.store.users().count(); });
          // Built before co_await: GCC 12 rejects a braced json::object temporary inside a
          // co_await expression ("array used as initializer").
          const json::object body{{"registration_open", n == 0}};
          co_await rc.sendJson(200, body);
        }));

  r.add("POST", "/api/auth/register", unguarded([&d](RequestContext& rc) -> net::awaitable<void> {
          auto creds = co_await readCredentials(rc);
          if (!creds) {
            co_return;
          }
          auto created = co_await d.pool.run([&]() -> std::optional<store::UserRow> {
            if (d.store.users().count() > 0) {
              return std::nullopt;  // cheap check before the expensive hash
            }
            return createFirstAdmin(d.store, creds->first, creds->second);
          });
          if (!created) {
            co_await sendError(rc, Error{ErrorCode::Forbidden,
                                         "registration is closed: an administrator exists"});
            co_return;
          }
          co_await rc.sendJson(201, tokenAnswer(d, *created));
        }));

  r.add("POST", "/api/auth/login", unguarded([&d](RequestContext& rc) -> net::awaitable<void> {
          auto body = co_await readJsonBody(rc);
          if (!body) {
            co_return;
          }
          FieldReader f(*body);
          auto username = f.string("username", 64, true);
          auto password = f.string("password", 256, true);
          if (!f.ok()) {
            co_await sendInvalid(rc, f.errors());
            co_return;
          }
          const std::string address = rc.remoteAddress().to_string();
          if (auto wait = d.login_limiter.blockedFor(*username, address)) {
            Error e{ErrorCode::RateLimited, "too many failed logins; try again later"};
            e.retry_after_seconds = static_cast<int>(*wait);
            co_await sendError(rc, e);
            co_return;
          }
          auto user = co_await d.pool.run([&]() -> std::optional<store::UserRow> {
            auto u = d.store.users().findByName(*username);
            if (!u || !auth::verifyPassword(*password, u->password_hash)) {
              return std::nullopt;
            }
            return u;
          });
          if (!user) {
            d.login_limiter.recordFailure(*username, address);
            co_await sendError(rc, Error{ErrorCode::Unauthorized, "invalid username or password"});
            co_return;
          }
          d.login_limiter.recordSuccess(*username, address);
          co_await rc.sendJson(200, tokenAnswer(d, *user));
        }));

  r.add("GET", "/api/auth/profile",
        guarded(d.jwt, d.clock,
                [&d](RequestContext& rc, const auth::Claims& c) -> net::awaitable<void> {
                  auto u = co_await d.pool.run([&] { return d.store.users().findById(c.user_id); });
                  if (!u) {
                    co_await sendError(rc, Error{ErrorCode::Unauthorized, "user no longer exists"});
                    co_return;
                  }
                  co_await rc.sendJson(200, userJson(*u));
                }));

  r.add("POST", "/api/auth/password",
        guarded(d.jwt, d.clock,
                [&d](RequestContext& rc, const auth::Claims& c) -> net::awaitable<void> {
                  auto body = co_await readJsonBody(rc);
                  if (!body) {
                    co_return;
                  }
                  FieldReader f(*body);
                  auto current = f.string("current_password", 256, true);
                  auto next = f.string("new_password", 256, true);
                  if (next && next->size() < 8) {
                    f.fail("new_password", "must be at least 8 characters");
                  }
                  if (!f.ok()) {
                    co_await sendInvalid(rc, f.errors());
                    co_return;
                  }
                  const bool changed = co_await d.pool.run([&] {
                    auto u = d.store.users().findById(c.user_id);
                    if (!u || !auth::verifyPassword(*current, u->password_hash)) {
                      return false;
                    }
                    d.store.users().setPassword(u->id, auth::hashPassword(*next));
                    return true;
                  });
                  if (!changed) {
                    co_await sendError(rc, Error::invalid("the current password is wrong",
                                                          "current_password"));
                    co_return;
                  }
                  co_await rc.sendNoContent();
                }));

  r.add("GET", "/api/admin/users",
        guarded(d.jwt, d.clock,
                [&d](RequestContext& rc, const auth::Claims&) -> net::awaitable<void> {
                  auto users = co_await d.pool.run([&] { return d.store.users().list(); });
                  json::array arr;
                  for (const auto& u : users) {
                    arr.push_back(userJson(u));
                  }
                  const auto n = static_cast<std::int64_t>(arr.size());
                  co_await rc.sendJson(200, pageJson(std::move(arr), n));
                }));

  r.add("POST", "/api/admin/users",
        guarded(d.jwt, d.clock,
                [&d](RequestContext& rc, const auth::Claims&) -> net::awaitable<void> {
                  auto body = co_await readJsonBody(rc);
                  if (!body) {
                    co_return;
                  }
                  FieldReader f(*body);
                  auto username = f.string("username", 64, true);
                  auto password = f.string("password", 256, true);
                  auto role = f.string("role", 16);
                  if (username && !validUsername(*username)) {
                    f.fail("username", "must be 3-64 characters of letters, digits, _ . @ -");
                  }
                  if (password && password->size() < 8) {
                    f.fail("password", "must be at least 8 characters");
                  }
                  if (role && *role != "admin" && *role != "viewer") {
                    f.fail("role", "must be admin or viewer");
                  }
                  if (!f.ok()) {
                    co_await sendInvalid(rc, f.errors());
                    co_return;
                  }
                  auto created = co_await d.pool.run([&] {
                    return createUser(d.store, *username, *password, role);
                  });
                  co_await rc.sendJson(201, userJson(created));
                }));

  r.add("DELETE", "/api/admin/users/:id",
        guarded(d.jwt, d.clock,
                [&d](RequestContext& rc, const auth::Claims&) -> net::awaitable<void> {
                  auto id = co_await pathId(rc);
                  if (!id) {
                    co_return;
                  }
                  auto exists = co_await d.pool.run([&] { return d.store.users().findById(*id); });
                  if (!exists) {
                    co_await sendError(rc, Error::notFound("no such user"));
                    co_return;
                  }
                  const bool removed =
                      co_await d.pool.run([&] { return d.store.users().removeUnlessLastAdmin(*id); });
                  if (!removed) {
                    co_await sendError(rc, Error{ErrorCode::Conflict,
                                                 "the last administrator cannot be deleted"});
                    co_return;
                  }
                  co_await rc.sendNoContent();
                }));
}

}  // namespace gw::admin
