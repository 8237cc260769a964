#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <thread>

#include "core/json.hpp"
#include "unit/http/server_test_support.hpp"

namespace gw::http {
namespace {

using test::RawClient;
using test::RunningServer;

json::value parsed(const test::Response& r) {
  boost::system::error_code ec;
  auto v = json::parse(r.body(), ec);
  EXPECT_FALSE(ec) << r.body();
  return v;
}

class ServerTest : public ::testing::Test {
protected:
  ServerTest() {
    router.add("GET", "/hello", [](RequestContext& rc) -> net::awaitable<void> {
      co_await rc.send(200, "hello", "text/plain");
    });
    router.add("POST", "/echo", [](RequestContext& rc) -> net::awaitable<void> {
      co_await rc.send(200, std::string(rc.body()), "application/octet-stream");
    });
    router.add("GET", "/items/:id", [](RequestContext& rc) -> net::awaitable<void> {
      co_await rc.send(200, "item " + std::string(rc.param("id")), "text/plain");
    });
    router.add("GET", "/throws", [](RequestContext&) -> net::awaitable<void> {
      throw std::runtime_error("boom");
      co_return;
    });
    router.add("GET", "/silent", [](RequestContext&) -> net::awaitable<void> { co_return; });
    router.add("GET", "/big/:mb", [](RequestContext& rc) -> net::awaitable<void> {
      co_await rc.send(200, bigBody(std::stoi(std::string(rc.param("mb")))),
                       "application/octet-stream");
    });
  }

  /// `mb` MiB of a repeating pattern whose bytes tell their position.
  static std::string bigBody(int mb) {
    std::string body(static_cast<std::size_t>(mb) << 20, '\0');
    for (std::size_t i = 0; i < body.size(); ++i) {
      body[i] = static_cast<char>('a' + i % 23);
    }
    return body;
  }

  ServerOptions options() {
    ServerOptions o;
    o.threads = 1;
    o.max_body_bytes = 2048;
    o.max_header_bytes = 2048;
    return o;
  }

  Router router;
};

TEST_F(ServerTest, AnswersWithARequestId) {
  RunningServer s(router, options());
  RawClient c(s.port());
  auto r = c.roundTrip("GET", "/hello");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 200u);
  EXPECT_EQ(r->body(), "hello");
  const std::string id((*r)["x-request-id"]);
  EXPECT_GE(id.size(), 16u);
  auto r2 = c.roundTrip("GET", "/hello");
  ASSERT_TRUE(r2);
  EXPECT_NE(std::string((*r2)["x-request-id"]), id);  // a new id per request
}

TEST_F(ServerTest, EchoesAValidIncomingRequestId) {
  RunningServer s(router, options());
  RawClient c(s.port());
  auto r = c.roundTrip("GET", "/hello", {}, {{"x-request-id", "client-abc_123.4:5"}});
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)["x-request-id"], "client-abc_123.4:5");
}

TEST_F(ServerTest, ReplacesAnInvalidIncomingRequestId) {
  RunningServer s(router, options());
  RawClient c(s.port());
  for (const std::string& bad : {std::string("has space"), std::string("semi;colon"),
                                std::string("quote\"d"), std::string(129, 'a')}) {
    auto r = c.roundTrip("GET", "/hello", {}, {{"x-request-id", bad}});
    ASSERT_TRUE(r) << bad;
    const std::string id((*r)["x-request-id"]);
    EXPECT_FALSE(id.empty());
    EXPECT_NE(id, bad);
  }
}

TEST_F(ServerTest, ErrorResponsesCarryARequestIdToo) {
  RunningServer s(router, options());
  RawClient c(s.port());
  auto r = c.roundTrip("GET", "/nope");
  ASSERT_TRUE(r);
  EXPECT_FALSE((*r)["x-request-id"].empty());
}

TEST_F(ServerTest, KeepAliveServesThreeRequestsOnOneConnection) {
  RunningServer s(router, options());
  RawClient c(s.port());
  auto a = c.roundTrip("GET", "/items/1");
  auto b = c.roundTrip("POST", "/echo", "payload");
  auto d = c.roundTrip("GET", "/items/3");
  ASSERT_TRUE(a && b && d);
  EXPECT_EQ(a->body(), "item 1");
  EXPECT_EQ(b->body(), "payload");
  EXPECT_EQ(d->body(), "item 3");
  EXPECT_TRUE(d->keep_alive());
  EXPECT_EQ(s.server().activeConnections(), 1);
}

TEST_F(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
  RunningServer s(router, options());
  RawClient c(s.port());
  std::string all;
  for (int i = 1; i <= 3; ++i) {
    all += "GET /items/" + std::to_string(i) + " HTTP/1.1\r\nHost: x\r\n\r\n";
  }
  all += "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nlast";
  c.sendRaw(all);
  for (int i = 1; i <= 3; ++i) {
    auto r = c.read();
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->body(), "item " + std::to_string(i));
  }
  auto r = c.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body(), "last");
}

TEST_F(ServerTest, ConnectionCloseIsHonoured) {
  RunningServer s(router, options());
  RawClient c(s.port());
  auto r = c.roundTrip("GET", "/hello", {}, {{"connection", "close"}});
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->keep_alive());
  EXPECT_TRUE(c.closedByServer());
}

TEST_F(ServerTest, UnknownRouteIsA404InTheAdminShape) {
  RunningServer s(router, options());
  RawClient c(s.port());
  auto r = c.roundTrip("GET", "/api/nothing-here");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 404u);
  EXPECT_EQ((*r)[bhttp::field::content_type], "application/json");
  const auto body = parsed(*r);
  EXPECT_EQ(body.at("error").at("code"), "not_found");
  EXPECT_TRUE(body.at("error").at("message").is_string());
  EXPECT_FALSE(body.at("error").as_object().contains("type"));
}

TEST_F(ServerTest, DataPlanePathsGetTheOpenAiErrorShape) {
  RunningServer s(router, options());
  RawClient c(s.port());
  for (const char* path : {"/v1/nothing", "/v1/chat/completions", "/chat/completions"}) {
    auto r = c.roundTrip("POST", path, "{}");
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->result_int(), 404u) << path;
    const auto body = parsed(*r);
    const auto& err = body.at("error").as_object();
    EXPECT_TRUE(err.contains("message")) << path;
    EXPECT_TRUE(err.contains("type")) << path;
    EXPECT_TRUE(err.contains("param")) << path;
    EXPECT_TRUE(err.contains("code")) << path;
  }
}

TEST_F(ServerTest, WrongMethodIsA405Json) {
  RunningServer s(router, options());
  RawClient c(s.port());
  auto r = c.roundTrip("DELETE", "/hello");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 405u);
  EXPECT_EQ(parsed(*r).at("error").at("code"), "method_not_allowed");
  // The connection is still usable.
  auto ok = c.roundTrip("GET", "/hello");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->result_int(), 200u);
}

TEST_F(ServerTest, HeadAnswersTheGetHeaderWithoutABody) {
  RunningServer s(router, options());
  RawClient c(s.port());
  auto r = c.roundTrip("HEAD", "/hello");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 200u);
  EXPECT_EQ((*r)[bhttp::field::content_length], "5");
  EXPECT_EQ(c.buffered(), 0u) << "a body was sent after the HEAD response";
  // A body after the header would be read as the next response; this one must be clean.
  auto next = c.roundTrip("GET", "/items/7");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->result_int(), 200u);
  EXPECT_EQ(next->body(), "item 7");
}

TEST_F(ServerTest, HeadOfAnUnknownPathHasNoBodyEither) {
  RunningServer s(router, options());
  RawClient c(s.port());
  auto r = c.roundTrip("HEAD", "/nothing");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 404u);
  auto next = c.roundTrip("GET", "/hello");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body(), "hello");
}

TEST_F(ServerTest, HeaderTooLargeIsRefusedAndClosed) {
  RunningServer s(router, options());
  RawClient c(s.port());
  auto r = c.roundTrip("GET", "/hello", {}, {{"x-big", std::string(4096, 'a')}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 400u);
  EXPECT_FALSE(r->keep_alive());
  EXPECT_NE(parsed(*r).at("error").at("message").as_string().find("header"),
            json::string::npos);
  c.halfClose();
  EXPECT_TRUE(c.closedByServer());
}

TEST_F(ServerTest, BodyAtTheLimitIsAccepted) {
  RunningServer s(router, options());
  RawClient c(s.port());
  auto r = c.roundTrip("POST", "/echo", std::string(2048, 'x'));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 200u);
  EXPECT_EQ(r->body().size(), 2048u);
}

TEST_F(ServerTest, BodyOverTheLimitIs413) {
  RunningServer s(router, options());
  RawClient c(s.port());
  auto r = c.roundTrip("POST", "/echo", std::string(2049, 'x'));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 413u);
  EXPECT_EQ(parsed(*r).at("error").at("code"), "payload_too_large");
  EXPECT_FALSE(r->keep_alive());
}

TEST_F(ServerTest, ContentLengthOverTheLimitIsRefusedBeforeTheBodyIsSent) {
  RunningServer s(router, options());
  RawClient c(s.port());
  // Only the header goes out: the answer must come without waiting for 1 MB of body.
  c.sendRaw("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n");
  auto r = c.read();
  ASSERT_TRUE(r) << c.lastError().message();
  EXPECT_EQ(r->result_int(), 413u);
  EXPECT_EQ(parsed(*r).at("error").at("type"), "invalid_request_error");
  c.halfClose();
  EXPECT_TRUE(c.closedByServer());
}

TEST_F(ServerTest, OversizedBodyAlreadySentStillGetsThe413) {
  // Most clients send the body right after the header. The server refuses it unread; if it
  // closed with that input pending, the kernel would reset the connection and the client
  // could lose the 413 before reading it.
  RunningServer s(router, options());
  RawClient c(s.port());
  c.sendRaw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 262144\r\n\r\n" +
            std::string(262144, 'b'));
  auto r = c.read();
  ASSERT_TRUE(r) << c.lastError().message();
  EXPECT_EQ(r->result_int(), 413u);
}

TEST_F(ServerTest, ChunkedBodyOverTheLimitIs413) {
  RunningServer s(router, options());
  RawClient c(s.port());
  std::string req = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 3; ++i) {
    req += "400\r\n" + std::string(1024, 'y') + "\r\n";
  }
  req += "0\r\n\r\n";
  c.sendRaw(req);
  auto r = c.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 413u);
}

TEST_F(ServerTest, MalformedRequestIs400) {
  RunningServer s(router, options());
  RawClient c(s.port());
  c.sendRaw("THIS IS NOT HTTP\r\n\r\n");
  auto r = c.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 400u);
  c.halfClose();
  EXPECT_TRUE(c.closedByServer());
}

TEST_F(ServerTest, HandlerExceptionIs500AndTheServerLivesOn) {
  RunningServer s(router, options());
  RawClient c(s.port());
  auto r = c.roundTrip("GET", "/throws");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 500u);
  EXPECT_EQ(parsed(*r).at("error").at("code"), "internal_error");
  RawClient c2(s.port());
  auto ok = c2.roundTrip("GET", "/hello");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->result_int(), 200u);
}

TEST_F(ServerTest, HandlerThatSendsNothingIs500) {
  RunningServer s(router, options());
  RawClient c(s.port());
  auto r = c.roundTrip("GET", "/silent");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 500u);
}

TEST_F(ServerTest, FallbackAnswersGetAndHeadOfUnknownPathsOnly) {
  router.setFallback([](RequestContext& rc) -> net::awaitable<void> {
    co_await rc.send(200, "fallback", "text/plain");
  });
  RunningServer s(router, options());
  RawClient c(s.port());
  auto g = c.roundTrip("GET", "/some/client/route");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->body(), "fallback");
  auto p = c.roundTrip("POST", "/some/client/route", "{}");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->result_int(), 404u);
  auto m = c.roundTrip("DELETE", "/hello");  // a known path keeps its 405
  ASSERT_TRUE(m);
  EXPECT_EQ(m->result_int(), 405u);
}

TEST_F(ServerTest, RequestArrivingInPiecesIsParsed) {
  RunningServer s(router, options());
  RawClient c(s.port());
  // Pauses between the pieces make the server read (and parse) each one on its own.
  c.sendRaw("POST /echo HTTP/1.1\r\nHo");
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  c.sendRaw("st: x\r\nContent-Length: 10\r\n\r\n01234");
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  c.sendRaw("56789");
  auto r = c.read();
  ASSERT_TRUE(r) << c.lastError().message();
  EXPECT_EQ(r->result_int(), 200u);
  EXPECT_EQ(r->body(), "0123456789");
}

TEST_F(ServerTest, ResponseLargerThanTheSocketTakesAtOnceArrivesWhole) {
  RunningServer s(router, options());
  RawClient c(s.port());
  auto r = c.roundTrip("GET", "/big/16");
  ASSERT_TRUE(r) << c.lastError().message();
  EXPECT_EQ(r->body(), bigBody(16));
  auto again = c.roundTrip("GET", "/hello");  // and the connection goes on
  ASSERT_TRUE(again);
  EXPECT_EQ(again->body(), "hello");
}

TEST_F(ServerTest, StalledConnectionsAreCutOffAtTheirTimeout) {
  struct Case {
    const char* name;
    std::chrono::milliseconds ServerOptions::*timeout;
    std::string bytes;  ///< sent and left hanging; none: a whole request, then silence
  };
  const Case cases[] = {
      {"idle keep-alive", &ServerOptions::idle_timeout, ""},
      {"header", &ServerOptions::header_timeout, "GET /hello HTTP/1.1\r\nHost: x\r\n"},
      {"body", &ServerOptions::body_timeout,
       "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n01234"},
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.name);
    auto o = options();
    o.*tc.timeout = std::chrono::milliseconds(300);
    RunningServer s(router, o);
    RawClient c(s.port());
    if (tc.bytes.empty()) {
      ASSERT_TRUE(c.roundTrip("GET", "/hello"));
    } else {
      c.sendRaw(tc.bytes);
    }
    const auto start = std::chrono::steady_clock::now();
    EXPECT_TRUE(c.closedByServer());
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count();
    EXPECT_GE(ms, 250);
    EXPECT_LT(ms, 2000);
  }
}

TEST_F(ServerTest, ClientThatStopsReadingIsCutOffAtTheIdleTimeout) {
  auto o = options();
  o.idle_timeout = std::chrono::milliseconds(300);
  RunningServer s(router, o);
  RawClient c(s.port());
  c.send("GET", "/big/64");
  // More than the socket buffers hold: the server's write waits, then gives up.
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  EXPECT_FALSE(c.read());
  // The session ends right after the close the client saw.
  for (int i = 0; i < 100 && s.server().activeConnections() > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(s.server().activeConnections(), 0);
}

TEST_F(ServerTest, SeveralLoopsShareOnePort) {
  auto o = options();
  o.threads = 2;
  RunningServer s(router, o);
  EXPECT_EQ(s.server().loopCount(), 2u);
  for (int i = 0; i < 6; ++i) {
    RawClient c(s.port());
    auto r = c.roundTrip("GET", "/hello");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body(), "hello");
  }
}

}  // namespace
}  // namespace gw::http
