#include "admin/common.hpp"

#include <gtest/gtest.h>

#include "store/sqlite/database.hpp"
#include "unit/http/fake_response_writer.hpp"

namespace gw::admin {
namespace {

using namespace std::chrono_literals;
using http::test::runHandler;

json::value bodyOf(const http::test::FakeResponseWriter& w) {
  EXPECT_EQ(w.responses.size(), 1u);
  return w.responses.empty() ? json::value() : json::parse(w.responses.front().body());
}

unsigned statusOf(const http::test::FakeResponseWriter& w) {
  return w.responses.empty() ? 0u : w.responses.front().result_int();
}

// --- FieldReader ---------------------------------------------------------------------------

TEST(FieldReader, ReadsTypedFields) {
  const json::object body{{"name", "main"}, {"on", true},     {"n", 5},
                          {"x", 1.5},       {"cfg", json::object{{"a", 1}}},
                          {"list", json::array{1, 2}}, {"nothing", nullptr}};
  FieldReader f(body);
  EXPECT_EQ(f.string("name"), "main");
  EXPECT_EQ(f.boolean("on"), true);
  EXPECT_EQ(f.integer("n", 0, 10), 5);
  EXPECT_EQ(f.number("x", 0, 2), 1.5);
  EXPECT_EQ(f.number("n", 0, 10), 5.0);  // an integer is a number
  ASSERT_NE(f.object("cfg"), nullptr);
  EXPECT_EQ(f.object("cfg")->at("a"), 1);
  ASSERT_NE(f.array("list"), nullptr);
  EXPECT_EQ(f.array("list")->size(), 2u);
  EXPECT_TRUE(f.has("nothing"));
  EXPECT_TRUE(f.isNull("nothing"));
  EXPECT_FALSE(f.isNull("name"));
  EXPECT_FALSE(f.has("absent"));
  EXPECT_TRUE(f.ok()) << f.errors().front().path;
}

TEST(FieldReader, AbsentAndNullAreNotErrorsUnlessRequired) {
  const json::object body{{"nothing", nullptr}};
  FieldReader f(body);
  EXPECT_FALSE(f.string("absent"));
  EXPECT_FALSE(f.string("nothing"));
  EXPECT_FALSE(f.boolean("nothing"));
  EXPECT_FALSE(f.integer("nothing", 0, 1));
  EXPECT_FALSE(f.number("absent", 0, 1));
  EXPECT_EQ(f.object("nothing"), nullptr);
  EXPECT_EQ(f.array("absent"), nullptr);
  EXPECT_TRUE(f.ok());
  EXPECT_FALSE(f.string("absent", 10, true));
  EXPECT_FALSE(f.string("nothing", 10, true));
  ASSERT_EQ(f.errors().size(), 2u);
  EXPECT_EQ(f.errors()[0].path, "absent");
  EXPECT_EQ(f.errors()[0].message, "is required");
}

TEST(FieldReader, WrongTypesAndRangesAreCollectedInOrder) {
  const json::object body{{"name", 5},    {"on", "yes"},          {"n", 11},
                          {"frac", 1.5},  {"x", "1"},             {"cfg", json::array{}},
                          {"list", "a"},  {"empty", ""},          {"long", "abcdef"}};
  FieldReader f(body);
  EXPECT_FALSE(f.string("name"));
  EXPECT_FALSE(f.boolean("on"));
  EXPECT_FALSE(f.integer("n", 0, 10));
  EXPECT_FALSE(f.integer("frac", 0, 10));
  EXPECT_FALSE(f.number("x", 0, 10));
  EXPECT_EQ(f.object("cfg"), nullptr);
  EXPECT_EQ(f.array("list"), nullptr);
  EXPECT_FALSE(f.string("empty", 10, true));
  EXPECT_FALSE(f.string("long", 5));
  EXPECT_EQ(f.string("empty"), "");  // empty is fine when not required
  std::vector<std::string> paths;
  for (const auto& e : f.errors()) {
    paths.push_back(e.path);
    EXPECT_FALSE(e.message.empty());
  }
  EXPECT_EQ(paths, (std::vector<std::string>{"name", "on", "n", "frac", "x", "cfg", "list",
                                             "empty", "long"}));
  EXPECT_FALSE(f.ok());
  f.fail("targets[0].weight", "must be positive");
  EXPECT_EQ(f.errors().back().path, "targets[0].weight");
}

// --- pageJson, listQuery -----------------------------------------------------------------------

TEST(PageJson, HasDataAndTotal) {
  EXPECT_EQ(json::value(pageJson(json::array{1, 2}, 7)),
            (json::value{{"data", json::array{1, 2}}, {"total", 7}}));
}

TEST(ListQuery, ReadsPagingSearchAndFilters) {
  http::Request req{http::bhttp::verb::get,
                    "/api/x?q=gpt%204&page=3&page_size=50&sort=name&order=desc&type=openai&x=1",
                    11};
  http::test::FakeResponseWriter w;
  RequestContext rc(req, w, "rid", {});
  const auto q = listQuery(rc, {"type", "enabled"});
  EXPECT_EQ(q.q, "gpt 4");
  EXPECT_EQ(q.page, 3);
  EXPECT_EQ(q.page_size, 50);
  EXPECT_EQ(q.sort, "name");
  EXPECT_TRUE(q.descending);
  EXPECT_EQ(q.filters, (std::map<std::string, std::string>{{"type", "openai"}}));
}

TEST(ListQuery, ClampsBadPaging) {
  for (const char* target : {"/x?page=0&page_size=100000", "/x?page=-4&page_size=0",
                             "/x?page=abc&page_size=1e3"}) {
    http::Request req{http::bhttp::verb::get, target, 11};
    http::test::FakeResponseWriter w;
    RequestContext rc(req, w, "rid", {});
    const auto q = listQuery(rc, {});
    EXPECT_GE(q.page, 1) << target;
    EXPECT_GE(q.page_size, 1) << target;
    EXPECT_LE(q.page_size, 200) << target;
  }
}

// --- readJsonBody, pathId, sendInvalid ---------------------------------------------------------

TEST(ReadJsonBody, ObjectOrA400) {
  for (const char* bad : {"", "{", "[1]", "null", "\"s\""}) {
    http::Request req{http::bhttp::verb::post, "/api/x", 11};
    req.body() = bad;
    bool got = true;
    const http::Handler h = [&](RequestContext& rc) -> net::awaitable<void> {
      got = (co_await readJsonBody(rc)).has_value();
    };
    const auto w = runHandler(h, req);
    EXPECT_FALSE(got) << bad;
    EXPECT_EQ(statusOf(w), 400u) << bad;
    EXPECT_EQ(bodyOf(w).at("error").at("code"), "invalid_request") << bad;
  }
  http::Request req{http::bhttp::verb::post, "/api/x", 11};
  req.body() = R"({"a":1})";
  std::optional<json::object> got;
  const http::Handler h = [&](RequestContext& rc) -> net::awaitable<void> {
    got = co_await readJsonBody(rc);
    co_await rc.sendNoContent();
  };
  runHandler(h, req);
  ASSERT_TRUE(got);
  EXPECT_EQ(json::value(*got), (json::value{{"a", 1}}));
}

TEST(PathId, PositiveIntegersOnly) {
  for (const char* bad : {"0", "-1", "abc", "1x", "", "99999999999999999999"}) {
    http::Request req{http::bhttp::verb::get, "/api/x", 11};
    std::optional<std::int64_t> id = 1;
    const http::Handler h = [&](RequestContext& rc) -> net::awaitable<void> {
      id = co_await pathId(rc);
    };
    const auto w = runHandler(h, req, {{"id", bad}});
    EXPECT_FALSE(id) << bad;
    EXPECT_EQ(statusOf(w), 404u) << bad;
  }
  http::Request req{http::bhttp::verb::get, "/api/x", 11};
  std::optional<std::int64_t> id;
  const http::Handler h = [&](RequestContext& rc) -> net::awaitable<void> {
    id = co_await pathId(rc);
    co_await rc.sendNoContent();
  };
  runHandler(h, req, {{"id", "42"}});
  EXPECT_EQ(id, 42);
}

TEST(SendInvalid, ListsEveryFieldAndSummarises) {
  http::Request req{http::bhttp::verb::post, "/api/x", 11};
  const http::Handler h = [](RequestContext& rc) -> net::awaitable<void> {
    const std::vector<http::FieldError> details{{"name", "is required"},
                                                {"weight", "must be positive"}};
    co_await sendInvalid(rc, details);
  };
  const auto w = runHandler(h, req);
  EXPECT_EQ(statusOf(w), 400u);
  const json::value expected = {
      {"error",
       {{"code", "invalid_request"},
        {"message", "name: is required (and 1 more)"},
        {"details", json::array{{{"path", "name"}, {"message", "is required"}},
                                {{"path", "weight"}, {"message", "must be positive"}}}}}}};
  EXPECT_EQ(bodyOf(w), expected);
}

TEST(SendError, RetryAfterHeader) {
  http::Request req{http::bhttp::verb::post, "/api/x", 11};
  const http::Handler h = [](RequestContext& rc) -> net::awaitable<void> {
    Error e{ErrorCode::RateLimited, "slow down"};
    e.retry_after_seconds = 12;
    co_await sendError(rc, e);
  };
  const auto w = runHandler(h, req);
  EXPECT_EQ(statusOf(w), 429u);
  EXPECT_EQ(w.responses.at(0)["retry-after"], "12");
}

// --- guarded / unguarded -----------------------------------------------------------------------

class GuardedTest : public ::testing::Test {
protected:
  std::string token(std::string role) {
    auth::Claims c;
    c.user_id = 1;
    c.username = "u";
    c.role = std::move(role);
    return jwt.issue(c, clock.now());
  }

  /// Runs a guarded handler that answers 200 (or throws `failure`); returns the writer.
  http::test::FakeResponseWriter call(const char* method, std::string authorization,
                                      std::function<void()> failure = {}) {
    http::Request req{http::bhttp::string_to_verb(method), "/api/admin/things", 11};
    if (!authorization.empty()) {
      req.set(http::bhttp::field::authorization, authorization);
    }
    called = false;
    const auto h = guarded(jwt, clock,
                           [&](RequestContext& rc, const auth::Claims& c) -> net::awaitable<void> {
                             called = true;
                             seen_role = c.role;
                             if (failure) {
                               failure();
                             }
                             co_await rc.sendNoContent();
                           });
    return runHandler(h, req);
  }

  FakeClock clock;
  auth::JwtSigner jwt{"guarded-test-secret-0123456789abcdef", 1h};
  bool called = false;
  std::string seen_role;
};

TEST_F(GuardedTest, AdminMayDoAnything) {
  for (const char* m : {"GET", "POST", "PUT", "DELETE", "PATCH"}) {
    const auto w = call(m, "Bearer " + token("admin"));
    EXPECT_EQ(statusOf(w), 204u) << m;
    EXPECT_TRUE(called);
    EXPECT_EQ(seen_role, "admin");
  }
}

TEST_F(GuardedTest, ViewerMayOnlyRead) {
  EXPECT_EQ(statusOf(call("GET", "Bearer " + token("viewer"))), 204u);
  EXPECT_EQ(statusOf(call("HEAD", "Bearer " + token("viewer"))), 204u);
  for (const char* m : {"POST", "PUT", "DELETE", "PATCH"}) {
    const auto w = call(m, "Bearer " + token("viewer"));
    EXPECT_EQ(statusOf(w), 403u) << m;
    EXPECT_EQ(bodyOf(w).at("error").at("code"), "forbidden");
    EXPECT_FALSE(called) << m;
  }
}

TEST_F(GuardedTest, MissingOrBadCredentialsAre401) {
  const auto good = token("admin");
  for (const std::string& authz :
       {std::string(), std::string("Bearer"), std::string("Bearer "), "Basic " + good,
        "Bearer " + good + "x", std::string("Bearer a.b.c")}) {
    const auto w = call("GET", authz);
    EXPECT_EQ(statusOf(w), 401u) << authz;
    EXPECT_EQ(bodyOf(w).at("error").at("code"), "unauthorized") << authz;
    EXPECT_FALSE(called) << authz;
  }
  EXPECT_EQ(statusOf(call("GET", "bearer " + good)), 204u);  // the scheme has no case
  const auto old = good;
  clock.advance(1h);
  EXPECT_EQ(statusOf(call("GET", "Bearer " + old)), 401u);
}

TEST_F(GuardedTest, StoreFailuresBecome409Or503) {
  auto w = call("POST", "Bearer " + token("admin"),
                [] { throw store::sqlite::StoreError("UNIQUE constraint failed", true); });
  EXPECT_EQ(statusOf(w), 409u);
  EXPECT_EQ(bodyOf(w).at("error").at("code"), "conflict");
  w = call("POST", "Bearer " + token("admin"),
           [] { throw store::sqlite::StoreError("disk I/O error", false); });
  EXPECT_EQ(statusOf(w), 503u);
  EXPECT_EQ(bodyOf(w).at("error").at("code"), "service_unavailable");
  EXPECT_EQ(bodyOf(w).at("error").at("message").as_string().find("disk"), json::string::npos)
      << "internal details must not leak";
}

TEST(Unguarded, MapsStoreFailuresToo) {
  http::Request req{http::bhttp::verb::post, "/api/auth/login", 11};
  const auto h = unguarded([](RequestContext&) -> net::awaitable<void> {
    throw store::sqlite::StoreError("UNIQUE constraint failed", true);
    co_return;
  });
  const auto w = runHandler(h, req);
  EXPECT_EQ(statusOf(w), 409u);
}

}  // namespace
}  // namespace gw::admin
