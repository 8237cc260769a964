#include "http/router.hpp"

#include <gtest/gtest.h>

#include <optional>

#include "unit/http/fake_response_writer.hpp"

namespace gw::http {
namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

/// Each route's handler answers its tag in a header (HEAD responses carry no body).
Handler tagged(std::string tag) {
  return [tag](RequestContext& rc) -> net::awaitable<void> {
    rc.addHeader("x-tag", tag);
    co_await rc.send(200, tag, "text/plain");
  };
}

class RouterTest : public ::testing::Test {
protected:
  /// The tag of the handler `find` picks, or nullopt with `match` set.
  std::optional<std::string> route(std::string_view method, std::string_view path) {
    params.clear();
    const Handler* h = router.find(method, path, params, match);
    if (!h) {
      return std::nullopt;
    }
    Request req{bhttp::string_to_verb(method), std::string(path), 11};
    const auto writer = test::runHandler(*h, req);
    EXPECT_EQ(writer.responses.size(), 1u);
    return writer.responses.empty() ? std::string() : std::string(writer.responses[0]["x-tag"]);
  }

  Router router;
  Params params;
  Router::Match match = Router::Match::NotFound;
};

TEST_F(RouterTest, LiteralRoutesMatchExactly) {
  router.add("GET", "/api/providers", tagged("list"));
  router.add("POST", "/api/providers", tagged("create"));
  EXPECT_EQ(route("GET", "/api/providers"), "list");
  EXPECT_EQ(match, Router::Match::Found);
  EXPECT_EQ(route("POST", "/api/providers"), "create");
  EXPECT_FALSE(route("GET", "/api/providers/extra"));
  EXPECT_EQ(match, Router::Match::NotFound);
  EXPECT_FALSE(route("GET", "/api"));
  EXPECT_EQ(match, Router::Match::NotFound);
}

TEST_F(RouterTest, WrongMethodIsMethodNotAllowed) {
  router.add("GET", "/healthz", tagged("health"));
  router.add("PUT", "/api/items/:id", tagged("put"));
  EXPECT_FALSE(route("DELETE", "/healthz"));
  EXPECT_EQ(match, Router::Match::MethodNotAllowed);
  EXPECT_FALSE(route("GET", "/api/items/3"));
  EXPECT_EQ(match, Router::Match::MethodNotAllowed);
  EXPECT_FALSE(route("GET", "/api/items/3/more"));
  EXPECT_EQ(match, Router::Match::NotFound);
}

TEST_F(RouterTest, HeadUsesTheGetRoute) {
  router.add("GET", "/healthz", tagged("health"));
  router.add("GET", "/api/items/:id", tagged("item"));
  EXPECT_EQ(route("HEAD", "/healthz"), "health");
  EXPECT_EQ(route("HEAD", "/api/items/9"), "item");
  router.add("POST", "/only-post", tagged("post"));
  EXPECT_FALSE(route("HEAD", "/only-post"));
  EXPECT_EQ(match, Router::Match::MethodNotAllowed);
}

TEST_F(RouterTest, ParametersAreCapturedAndDecoded) {
  router.add("GET", "/api/providers/:id/models/:model", tagged("model"));
  EXPECT_EQ(route("GET", "/api/providers/7/models/gpt%2D4o%20mini"), "model");
  EXPECT_EQ(params, (Params{{"id", "7"}, {"model", "gpt-4o mini"}}));
}

TEST_F(RouterTest, BadEscapeInAParameterDoesNotMatch) {
  router.add("GET", "/api/items/:id", tagged("item"));
  EXPECT_FALSE(route("GET", "/api/items/%zz"));
  EXPECT_EQ(match, Router::Match::NotFound);
}

TEST_F(RouterTest, ParameterNeedsAWholeSegment) {
  router.add("GET", "/api/items/:id", tagged("item"));
  EXPECT_FALSE(route("GET", "/api/items"));
  EXPECT_FALSE(route("GET", "/api/items/"));
  EXPECT_FALSE(route("GET", "/api/items/1/2"));
}

TEST_F(RouterTest, TailMatchesTheRest) {
  router.add("GET", "/files/*", tagged("files"));
  EXPECT_EQ(route("GET", "/files/a"), "files");
  EXPECT_EQ(route("GET", "/files/a/b/c.txt"), "files");
  EXPECT_EQ(route("GET", "/files"), "files");  // the tail may be empty
  EXPECT_FALSE(route("GET", "/filesx/a"));
}

TEST_F(RouterTest, TailWithParameters) {
  router.add("POST", "/agents/:region/*", tagged("agent"));
  EXPECT_EQ(route("POST", "/agents/eu/v1/chat/completions"), "agent");
  EXPECT_EQ(params, (Params{{"region", "eu"}}));
}

TEST_F(RouterTest, LiteralRouteWinsOverPattern) {
  router.add("GET", "/api/items/:id", tagged("by-id"));
  router.add("GET", "/api/items/export", tagged("export"));
  EXPECT_EQ(route("GET", "/api/items/export"), "export");
  EXPECT_EQ(route("GET", "/api/items/12"), "by-id");
  EXPECT_EQ(params, (Params{{"id", "12"}}));
}

TEST_F(RouterTest, PatternsAreTriedInRegistrationOrder) {
  router.add("GET", "/x/:a", tagged("first"));
  router.add("GET", "/x/:b", tagged("second"));
  EXPECT_EQ(route("GET", "/x/1"), "first");
  EXPECT_EQ(params, (Params{{"a", "1"}}));
}

TEST_F(RouterTest, SameLiteralPathDifferentMethodsAndPatterns) {
  router.add("GET", "/api/keys/validate", tagged("get-literal"));
  router.add("POST", "/api/keys/:id", tagged("post-pattern"));
  EXPECT_EQ(route("POST", "/api/keys/validate"), "post-pattern");
  EXPECT_EQ(params, (Params{{"id", "validate"}}));
  EXPECT_EQ(route("GET", "/api/keys/validate"), "get-literal");
  EXPECT_FALSE(route("DELETE", "/api/keys/validate"));
  EXPECT_EQ(match, Router::Match::MethodNotAllowed);
}

TEST_F(RouterTest, FallbackIsOnlyReturnedWhenSet) {
  EXPECT_EQ(router.fallback(), nullptr);
  router.setFallback(tagged("spa"));
  ASSERT_NE(router.fallback(), nullptr);
  EXPECT_FALSE(route("GET", "/anything"));  // find() itself never answers the fallback
  EXPECT_EQ(match, Router::Match::NotFound);
}

TEST(PercentDecode, DecodesAndRejectsBadEscapes) {
  EXPECT_EQ(percentDecode("a%20b%2Fc"), "a b/c");
  EXPECT_EQ(percentDecode("a+b"), "a+b");
  EXPECT_EQ(percentDecode("a+b", true), "a b");
  EXPECT_EQ(percentDecode("%2e%2E"), "..");
  EXPECT_FALSE(percentDecode("%"));
  EXPECT_FALSE(percentDecode("%4"));
  EXPECT_FALSE(percentDecode("%g0"));
  EXPECT_FALSE(percentDecode("abc%"));
}

TEST(RequestContext, PathQueryAndParameters) {
  Request req{bhttp::verb::get, "/api/items?q=a%20b&page=2&flag&plus=x+y", 11};
  test::FakeResponseWriter writer;
  RequestContext rc(req, writer, "rid", {});
  EXPECT_EQ(rc.path(), "/api/items");
  EXPECT_EQ(rc.query(), "q=a%20b&page=2&flag&plus=x+y");
  EXPECT_EQ(rc.queryParam("q"), "a b");
  EXPECT_EQ(rc.queryParam("page"), "2");
  EXPECT_EQ(rc.queryParam("flag"), "");
  EXPECT_EQ(rc.queryParam("plus"), "x y");
  EXPECT_EQ(rc.queryParam("missing"), "");
  rc.setParams({{"id", "7"}});
  EXPECT_EQ(rc.param("id"), "7");
  EXPECT_EQ(rc.param("other"), "");
}

TEST(RequestContext, ResponsesCarryTheRequestIdAndExtraHeaders) {
  Request req{bhttp::verb::get, "/x", 11};
  const Handler h = [](RequestContext& rc) -> net::awaitable<void> {
    rc.addHeader("retry-after", "30");
    const json::value body{{"a", 1}};  // named: GCC 12 mis-compiles braced temporaries here
    co_await rc.sendJson(429, body);
  };
  const auto w = test::runHandler(h, req);
  ASSERT_EQ(w.responses.size(), 1u);
  const auto& r = w.responses[0];
  EXPECT_EQ(r.result_int(), 429u);
  EXPECT_EQ(r["x-request-id"], "test-request-id");
  EXPECT_EQ(r["retry-after"], "30");
  EXPECT_EQ(r[bhttp::field::content_type], "application/json");
  EXPECT_EQ(json::parse(r.body()), (json::value{{"a", 1}}));
}

TEST(RequestContext, HeadKeepsTheLengthButSendsNoBody) {
  Request req{bhttp::verb::head, "/x", 11};
  const Handler h = [](RequestContext& rc) -> net::awaitable<void> {
    co_await rc.send(200, "twelve bytes", "text/plain");
  };
  const auto w = test::runHandler(h, req);
  ASSERT_EQ(w.responses.size(), 1u);
  EXPECT_EQ(w.responses[0][bhttp::field::content_length], "12");
  EXPECT_TRUE(w.responses[0].body().empty());
}

}  // namespace
}  // namespace gw::http
