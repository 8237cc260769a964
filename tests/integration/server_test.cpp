// The App's HTTP surface over real sockets: health, request ids, error shapes, limits, the
// web UI (SPA fallback, caching, traversal) and keep-alive.

#include <gtest/gtest.h>

#include <fstream>

#include "integration/test_support.hpp"
#include "unit/http/server_test_support.hpp"

namespace gw::test {
namespace {

using http::test::RawClient;

void writeFile(const std::filesystem::path& p, const std::string& text) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

bool isAdminError(const json::value& v, std::string_view code) {
  const auto* err = v.is_object() ? v.as_object().if_contains("error") : nullptr;
  return err && err->is_object() && err->as_object().contains("message") &&
         err->as_object().if_contains("code") && err->at("code") == json::value(code) &&
         !err->as_object().contains("type");
}

bool isOpenAiError(const json::value& v) {
  const auto* err = v.is_object() ? v.as_object().if_contains("error") : nullptr;
  if (!err || !err->is_object()) {
    return false;
  }
  const auto& o = err->as_object();
  return o.contains("message") && o.contains("type") && o.contains("param") &&
         o.contains("code");
}

TEST(ServerIntegration, HealthAndReadiness) {
  TestGateway gw;
  auto h = gw.request("GET", "/healthz");
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.json(), (json::value{{"status", "ok"}}));
  auto r = gw.request("GET", "/readyz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json(), (json::value{{"status", "ready"}, {"store", "ok"}}));
}

TEST(ServerIntegration, EveryResponseHasARequestId) {
  TestGateway gw;
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/healthz"},
           {"GET", "/api/auth/profile"},
           {"GET", "/api/nothing"},
           {"DELETE", "/healthz"},
           {"POST", "/v1/chat/completions"},
           {"GET", "/"}}) {
    auto r = gw.request(method, path);
    EXPECT_GT(r.status, 0) << method << " " << path;
    EXPECT_FALSE(r.header("x-request-id").empty()) << method << " " << path;
  }
  auto echoed = gw.request("GET", "/healthz", {}, {{"x-request-id", "trace-42"}});
  EXPECT_EQ(echoed.header("x-request-id"), "trace-42");
  auto replaced = gw.request("GET", "/healthz", {}, {{"x-request-id", "bad id!"}});
  EXPECT_NE(replaced.header("x-request-id"), "bad id!");
  EXPECT_FALSE(replaced.header("x-request-id").empty());
}

TEST(ServerIntegration, ErrorShapesFollowThePath) {
  TestGateway gw;
  auto admin404 = gw.request("GET", "/api/admin/nothing");
  EXPECT_EQ(admin404.status, 404);
  EXPECT_TRUE(isAdminError(admin404.json(), "not_found")) << admin404.body;
  auto admin405 = gw.request("DELETE", "/api/auth/login");
  EXPECT_EQ(admin405.status, 405);
  EXPECT_TRUE(isAdminError(admin405.json(), "method_not_allowed")) << admin405.body;
  auto v1_404 = gw.request("POST", "/v1/nothing", "{}");
  EXPECT_EQ(v1_404.status, 404);
  EXPECT_TRUE(isOpenAiError(v1_404.json())) << v1_404.body;
  auto v1_get = gw.request("GET", "/v1/nothing");
  EXPECT_EQ(v1_get.status, 404);
  EXPECT_TRUE(isOpenAiError(v1_get.json())) << v1_get.body;
  auto v1_401 = gw.request("POST", "/v1/chat/completions", R"({"model":"x","messages":[]})");
  EXPECT_EQ(v1_401.status, 401);
  EXPECT_TRUE(isOpenAiError(v1_401.json())) << v1_401.body;
}

TEST(ServerIntegration, OversizedBodiesAre413) {
  TestGateway gw(std::map<std::string, std::string>{{"MAX_BODY_BYTES", "2048"}});
  const std::string big =
      json::serialize(json::object{{"username", "admin"}, {"password", std::string(3000, 'p')}});
  auto admin = gw.request("POST", "/api/auth/login", big);
  EXPECT_EQ(admin.status, 413);
  EXPECT_TRUE(isAdminError(admin.json(), "payload_too_large")) << admin.body;
  auto v1 = gw.request("POST", "/v1/chat/completions", std::string(4096, ' '));
  EXPECT_EQ(v1.status, 413);
  EXPECT_TRUE(isOpenAiError(v1.json())) << v1.body;
  // Small bodies still reach the handler (which refuses unknown credentials).
  EXPECT_EQ(gw.request("POST", "/api/auth/login", R"({"username":"a","password":"b"})").status,
            401);
}

TEST(ServerIntegration, ContentLengthOverTheLimitIsRefusedBeforeTheBody) {
  TestGateway gw(std::map<std::string, std::string>{{"MAX_BODY_BYTES", "2048"}});
  RawClient c(gw.port());
  c.sendRaw("POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            "Content-Length: 50000000\r\n\r\n");
  auto r = c.read();  // no body was sent: an answer proves the server did not wait for it
  ASSERT_TRUE(r) << c.lastError().message();
  EXPECT_EQ(r->result_int(), 413u);
  c.halfClose();
  EXPECT_TRUE(c.closedByServer());
}

TEST(ServerIntegration, KeepAliveAndPipelining) {
  TestGateway gw;
  RawClient c(gw.port());
  for (int i = 0; i < 3; ++i) {
    auto r = c.roundTrip("GET", "/healthz");
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->result_int(), 200u);
    EXPECT_TRUE(r->keep_alive());
  }
  c.sendRaw("GET /healthz HTTP/1.1\r\nHost: x\r\nx-request-id: one\r\n\r\n"
            "GET /api/nothing HTTP/1.1\r\nHost: x\r\nx-request-id: two\r\n\r\n"
            "GET /readyz HTTP/1.1\r\nHost: x\r\nx-request-id: three\r\n\r\n");
  const std::vector<std::pair<std::string, unsigned>> expected = {
      {"one", 200}, {"two", 404}, {"three", 200}};
  for (const auto& [id, status] : expected) {
    auto r = c.read();
    ASSERT_TRUE(r) << id;
    EXPECT_EQ((*r)["x-request-id"], id);
    EXPECT_EQ(r->result_int(), status) << id;
  }
}

TEST(ServerIntegration, HeadHasHeadersOnly) {
  TestGateway gw;
  RawClient c(gw.port());
  auto h = c.roundTrip("HEAD", "/healthz");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->result_int(), 200u);
  EXPECT_NE((*h)[http::bhttp::field::content_length], "0");
  auto next = c.roundTrip("GET", "/healthz");  // framing intact after the HEAD
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body(), R"({"status":"ok"})");
}

TEST(ServerIntegration, HeaderTooLargeIsRefused) {
  TestGateway gw(std::map<std::string, std::string>{{"MAX_HEADER_BYTES", "2048"}});
  auto r = gw.request("GET", "/healthz", {}, {{"x-filler", std::string(8192, 'f')}});
  EXPECT_EQ(r.status, 400);
  EXPECT_FALSE(r.header("x-request-id").empty());
}

TEST(ServerIntegration, NoUiPageWhenTheWebDirIsMissing) {
  TestGateway gw;  // WEB_DIR points at a directory that does not exist
  for (const char* path : {"/", "/providers", "/some/route"}) {
    auto r = gw.request("GET", path);
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.header("content-type"), "text/html; charset=utf-8");
    EXPECT_NE(r.body.find("web UI is not built"), std::string::npos) << r.body;
  }
}

class WebUiTest : public ::testing::Test {
protected:
  static std::filesystem::path makeWebDir(const TempDir& dir) {
    const auto web = dir.path() / "web";
    writeFile(web / "index.html", "<!doctype html><title>UI</title>");
    writeFile(web / "assets" / "index-abc123.js", "console.log('hi')");
    writeFile(web / "assets" / "index-abc123.css", "body{}");
    writeFile(web / "favicon.ico", "ICO");
    writeFile(dir.path() / "secret.txt", "top secret");
    return web;
  }

  TempDir web_root;
  TestGateway gw{{{"WEB_DIR", makeWebDir(web_root).string()}}};
};

TEST_F(WebUiTest, ServesIndexForClientRoutes) {
  for (const char* path : {"/", "/index.html", "/some/route", "/providers/12?tab=models"}) {
    auto r = gw.request("GET", path);
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.body, "<!doctype html><title>UI</title>") << path;
    EXPECT_EQ(r.header("content-type"), "text/html; charset=utf-8") << path;
    EXPECT_EQ(r.header("cache-control"), "no-cache") << path;
  }
}

TEST_F(WebUiTest, AssetsHaveTheirTypesAndAreImmutable) {
  auto js = gw.request("GET", "/assets/index-abc123.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.body, "console.log('hi')");
  EXPECT_EQ(js.header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(js.header("cache-control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(js.header("x-content-type-options"), "nosniff");
  auto css = gw.request("GET", "/assets/index-abc123.css");
  EXPECT_EQ(css.header("content-type"), "text/css; charset=utf-8");
  auto ico = gw.request("GET", "/favicon.ico");
  EXPECT_EQ(ico.status, 200);
  EXPECT_EQ(ico.header("content-type"), "image/x-icon");
  EXPECT_EQ(ico.header("cache-control"), "no-cache");
}

TEST_F(WebUiTest, MissingAssetIs404) {
  for (const char* path : {"/assets/missing.js", "/assets/deep/x", "/missing.png"}) {
    auto r = gw.request("GET", path);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_TRUE(isAdminError(r.json(), "not_found")) << path << ": " << r.body;
  }
}

TEST_F(WebUiTest, TraversalAttemptsAre404) {
  for (const char* path :
       {"/../secret.txt", "/assets/../../secret.txt", "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt", "/..%2Fsecret.txt", "/assets%2F..%2F..%2Fsecret.txt",
        "/%252e%252e/%252e%252e/secret.txt", "/%252e%252e%252fsecret.txt",
        "/%25252e%25252e/secret", "/a/%5c..%5csecret.txt", "/%00", "/%zz", "/..",
        "/some/route/.."}) {
    auto r = gw.request("GET", path);
    EXPECT_EQ(r.status, 404) << path << ": " << r.body;
    EXPECT_EQ(r.body.find("top secret"), std::string::npos) << path;
  }
}

TEST_F(WebUiTest, ApiPathsNeverFallBackToTheUi) {
  auto api = gw.request("GET", "/api/unknown");
  EXPECT_EQ(api.status, 404);
  EXPECT_TRUE(isAdminError(api.json(), "not_found")) << api.body;
  auto v1 = gw.request("GET", "/v1/unknown");
  EXPECT_EQ(v1.status, 404);
  EXPECT_TRUE(isOpenAiError(v1.json())) << v1.body;
  EXPECT_EQ(gw.request("POST", "/some/route", "{}").status, 404);
}

TEST_F(WebUiTest, HeadOfAnAsset) {
  RawClient c(gw.port());
  auto h = c.roundTrip("HEAD", "/assets/index-abc123.js");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->result_int(), 200u);
  EXPECT_EQ((*h)[http::bhttp::field::content_length], "17");
  EXPECT_EQ((*h)[http::bhttp::field::content_type], "text/javascript; charset=utf-8");
  auto g = c.roundTrip("GET", "/favicon.ico");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->body(), "ICO");
}

}  // namespace
}  // namespace gw::test
