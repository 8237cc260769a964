#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ssl/context.hpp>
#include <cctype>

#include "http/client/upstream_client.hpp"
#include "unit/http/client_test_support.hpp"

namespace gw::http {
namespace {

using namespace test_support;
using namespace boost::asio::experimental::awaitable_operators;

providers::UpstreamRequest makeRequest(std::string method, std::string url, std::string body = {},
                                       providers::Headers headers = {}) {
  providers::UpstreamRequest r;
  r.method = std::move(method);
  r.url = std::move(url);
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

const std::string* findHeader(const providers::Headers& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() &&
        std::equal(key.begin(), key.end(), name.begin(),
                   [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
      return &value;
    }
  }
  return nullptr;
}

/// A handler answering every request with 200 and `body`, keeping the connection open.
Handler answer(std::string body, std::string extra = "") {
  return [body, extra](Peer& peer, const Received&) -> net::awaitable<bool> {
    co_await peer.write(httpResponse(200, body, extra));
    co_return true;
  };
}

/// A stream that sends one event and then waits for the client to close the connection.
Handler oneEventThenWaitForClose() {
  return [](Peer& peer, const Received&) -> net::awaitable<bool> {
    co_await peer.write(chunkedHead(200) + chunk("data: 1\n\n"));
    co_await peer.readUntilClosed();
    co_return false;
  };
}

class UpstreamClientTest : public ::testing::Test {
protected:
  UpstreamClient& client() {
    if (!client_) {
      client_ = std::make_unique<UpstreamClient>(ioc_.get_executor(), *tls_, options_);
    }
    return *client_;
  }
  void run(std::function<net::awaitable<void>()> body) { runAsync(ioc_, std::move(body)); }
  /// POSTs `body` to `path` on `server`, whole response, 5 s deadline.
  net::awaitable<Result<providers::UpstreamResponse>> post(const FakeServer& server,
                                                           std::string path,
                                                           std::string body = "{}") {
    const auto request = makeRequest("POST", server.url(path), std::move(body));
    co_return co_await client().send(request, Deadline::after(5s));
  }
  /// POSTs "{}" to "/" on `server` as a stream, 5 s to the first byte.
  net::awaitable<Result<StreamResponse>> openPost(const FakeServer& server) {
    const auto request = makeRequest("POST", server.url("/"), "{}");
    co_return co_await client().openStream(request, Deadline::after(5s));
  }

  /// The server answers once with keep-alive and then closes; a second request must still be
  /// answered. Returns the client's retry count: 0 when the closed connection was noticed
  /// before reuse (peek), 1 when it was found by using it and the request was re-sent.
  std::uint64_t secondRequestAfterServerClosed(std::chrono::milliseconds trust_idle_for) {
    options_.trust_idle_for = trust_idle_for;
    Event server_closed(ioc_.get_executor());
    FakeServer server(ioc_, [&](Peer& peer, const Received&) -> net::awaitable<bool> {
      co_await peer.write(httpResponse(200, "ok"));  // keep-alive announced, then closed
      peer.close();
      server_closed.set();
      co_return false;
    });
    run([&]() -> net::awaitable<void> {
      auto first = co_await post(server, "/");
      GW_CO_ASSERT(first);
      EXPECT_EQ(client().idleConnections(), 1u);
      EXPECT_TRUE(co_await server_closed.wait());
      auto second = co_await post(server, "/");
      GW_CO_ASSERT(second);
      EXPECT_EQ(second->body, "ok");
    });
    EXPECT_EQ(server.connections(), 2u);
    EXPECT_EQ(server.requests().size(), 2u);
    return client().stats().retries;
  }

  net::io_context ioc_;
  std::shared_ptr<net::ssl::context> tls_ = makeClientTlsContext(
      TlsClientOptions{.system_ca = false, .extra_ca_file = {}, .extra_ca_pem = {}});
  ClientOptions options_;
  std::unique_ptr<UpstreamClient> client_;
};

TEST_F(UpstreamClientTest, GetReturnsStatusHeadersAndBodyAndSendsStandardHeaders) {
  FakeServer server(ioc_, answer("hello", "X-Upstream: yes\r\n"));
  run([&]() -> net::awaitable<void> {
    providers::Headers headers{{"Authorization", "Bearer k"}, {"Accept-Encoding", "gzip"}};
    const auto request = makeRequest("GET", server.url("/v1/models?x=1"), {}, headers);
    auto r = co_await client().send(request, Deadline::after(5s));
    GW_CO_ASSERT(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "hello");
    const std::string* h = findHeader(r->headers, "x-upstream");
    GW_CO_ASSERT(h != nullptr);
    EXPECT_EQ(*h, "yes");
  });
  ASSERT_EQ(server.requests().size(), 1u);
  const Received& got = server.requests()[0];
  EXPECT_EQ(got.method, "GET");
  EXPECT_EQ(got.target, "/v1/models?x=1");
  EXPECT_EQ(got.headers.at("host"), "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(got.headers.at("user-agent"), "llm-gateway/0.1");
  EXPECT_EQ(got.headers.at("accept-encoding"), "identity");
  EXPECT_EQ(got.headers.at("authorization"), "Bearer k");
  EXPECT_EQ(got.headers.count("content-length"), 0u);
}

TEST_F(UpstreamClientTest, PostSendsBodyWithContentLengthAndNon2xxIsAResponse) {
  FakeServer server(ioc_, [](Peer& peer, const Received& r) -> net::awaitable<bool> {
    co_await peer.write(httpResponse(429, R"({"error":"slow down"})", "Retry-After: 7\r\n"));
    co_return true;
  });
  run([&]() -> net::awaitable<void> {
    providers::Headers headers{{"Content-Type", "application/json"}, {"User-Agent", "custom/1"}};
    const auto request =
        makeRequest("POST", server.url("/v1/chat/completions"), R"({"model":"m"})", headers);
    auto r = co_await client().send(request, Deadline::after(5s));
    GW_CO_ASSERT(r);
    EXPECT_EQ(r->status, 429);
    EXPECT_EQ(r->body, R"({"error":"slow down"})");
  });
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].body, R"({"model":"m"})");
  EXPECT_EQ(server.requests()[0].headers.at("content-length"), "13");
  EXPECT_EQ(server.requests()[0].headers.at("user-agent"), "custom/1");
}

TEST_F(UpstreamClientTest, KeepAliveReusesOneConnectionForThreeRequests) {
  FakeServer server(ioc_, answer("ok"));
  run([&]() -> net::awaitable<void> {
    for (int i = 0; i < 3; ++i) {
      auto r = co_await post(server, "/x");
      GW_CO_ASSERT(r);
      EXPECT_EQ(r->body, "ok");
    }
  });
  EXPECT_EQ(server.connections(), 1u);
  EXPECT_EQ(server.requests().size(), 3u);
  EXPECT_EQ(client().stats().connections_opened, 1u);
  EXPECT_EQ(client().stats().connections_reused, 2u);
  EXPECT_EQ(client().idleConnections(), 1u);
}

TEST_F(UpstreamClientTest, BodilessResponsesCompleteAndKeepTheConnection) {
  FakeServer server(ioc_, [](Peer& peer, const Received& r) -> net::awaitable<bool> {
    if (r.method == "HEAD") {
      co_await peer.write("HTTP/1.1 200 X\r\nContent-Length: 1234\r\n\r\n");
    } else {
      co_await peer.write("HTTP/1.1 204 X\r\n\r\n");
    }
    co_return true;
  });
  run([&]() -> net::awaitable<void> {
    auto head = co_await client().send(makeRequest("HEAD", server.url("/")), Deadline::after(5s));
    GW_CO_ASSERT(head);
    EXPECT_EQ(head->status, 200);
    EXPECT_TRUE(head->body.empty());
    auto stream =
        co_await client().openStream(makeRequest("DELETE", server.url("/")), Deadline::after(5s));
    GW_CO_ASSERT(stream);
    EXPECT_EQ(stream->status(), 204);
    auto end = co_await stream->next(5s);
    GW_CO_ASSERT(end);
    EXPECT_TRUE(end->empty());
  });
  EXPECT_EQ(server.connections(), 1u);
  EXPECT_EQ(client().idleConnections(), 1u);
}

TEST_F(UpstreamClientTest, ConnectionCloseResponseIsNotPooled) {
  FakeServer server(ioc_, answer("bye", "Connection: close\r\n"));
  run([&]() -> net::awaitable<void> {
    for (int i = 0; i < 2; ++i) {
      auto r = co_await client().send(makeRequest("GET", server.url("/")), Deadline::after(5s));
      GW_CO_ASSERT(r);
      EXPECT_EQ(r->body, "bye");
    }
  });
  EXPECT_EQ(server.connections(), 2u);
  EXPECT_EQ(client().idleConnections(), 0u);
}

TEST_F(UpstreamClientTest, ExpiredIdleConnectionIsNotReused) {
  options_.idle_timeout = 0ms;
  FakeServer server(ioc_, answer("ok"));
  run([&]() -> net::awaitable<void> {
    for (int i = 0; i < 2; ++i) {
      auto r = co_await client().send(makeRequest("GET", server.url("/")), Deadline::after(5s));
      GW_CO_ASSERT(r);
    }
  });
  EXPECT_EQ(server.connections(), 2u);
  EXPECT_EQ(client().stats().connections_reused, 0u);
}

TEST_F(UpstreamClientTest, ChunkedStreamIsReadPieceByPieceAndConnectionPooled) {
  Event first_read(ioc_.get_executor());
  FakeServer server(ioc_, [&](Peer& peer, const Received&) -> net::awaitable<bool> {
    co_await peer.write(chunkedHead(200) + chunk("data: {\"a\":1}\n\n"));
    co_await first_read.wait();  // the second piece is sent only after the first was read
    co_await peer.write(chunk("data: [DONE]\n\n") + chunk(""));
    co_return true;
  });
  run([&]() -> net::awaitable<void> {
    auto stream = co_await client().openStream(
        makeRequest("POST", server.url("/v1/chat/completions"), "{}"), Deadline::after(5s));
    GW_CO_ASSERT(stream);
    EXPECT_EQ(stream->status(), 200);
    const std::string* type = findHeader(stream->headers(), "content-type");
    GW_CO_ASSERT(type != nullptr);
    EXPECT_EQ(*type, "text/event-stream");
    auto one = co_await stream->next(5s);
    GW_CO_ASSERT(one);
    EXPECT_EQ(*one, "data: {\"a\":1}\n\n");
    first_read.set();
    auto two = co_await stream->next(5s);
    GW_CO_ASSERT(two);
    EXPECT_EQ(*two, "data: [DONE]\n\n");
    auto end = co_await stream->next(5s);
    GW_CO_ASSERT(end);
    EXPECT_TRUE(end->empty());
    EXPECT_TRUE(stream->done());
    EXPECT_EQ(client().idleConnections(), 1u);  // returned at end of body
  });
  EXPECT_EQ(server.clientClosures(), 0u);
}

TEST_F(UpstreamClientTest, ReadAllCollectsAnErrorBody) {
  FakeServer server(ioc_, [](Peer& peer, const Received&) -> net::awaitable<bool> {
    co_await peer.write(chunkedHead(400) + chunk("{\"error\":") + chunk("\"bad\"}") + chunk(""));
    co_return true;
  });
  run([&]() -> net::awaitable<void> {
    auto stream = co_await openPost(server);
    GW_CO_ASSERT(stream);
    EXPECT_EQ(stream->status(), 400);
    auto body = co_await stream->readAll(Deadline::after(5s));
    GW_CO_ASSERT(body);
    EXPECT_EQ(*body, "{\"error\":\"bad\"}");
  });
}

TEST_F(UpstreamClientTest, ConnectRefusedIsUpstreamUnavailable) {
  const auto port = closedPort(ioc_);
  run([&]() -> net::awaitable<void> {
    auto r = co_await client().send(
        makeRequest("GET", "http://127.0.0.1:" + std::to_string(port) + "/"), Deadline::after(5s));
    GW_CO_ASSERT(!r);
    EXPECT_EQ(r.error().code, ErrorCode::UpstreamUnavailable) << r.error().message;
  });
}

TEST_F(UpstreamClientTest, StalledServerHitsFirstByteTimeout) {
  FakeServer server(ioc_, [](Peer& peer, const Received&) -> net::awaitable<bool> {
    co_await peer.stall();
    co_return false;
  });
  run([&]() -> net::awaitable<void> {
    const auto start = std::chrono::steady_clock::now();
    auto r =
        co_await client().send(makeRequest("POST", server.url("/"), "{}"), Deadline::after(100ms));
    GW_CO_ASSERT(!r);
    EXPECT_EQ(r.error().code, ErrorCode::UpstreamTimeout) << r.error().message;
    EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  });
  EXPECT_EQ(client().idleConnections(), 0u);
}

TEST_F(UpstreamClientTest, FirstByteTimeoutOptionCapsALongerDeadline) {
  options_.first_byte_timeout = 100ms;
  FakeServer server(ioc_, [](Peer& peer, const Received&) -> net::awaitable<bool> {
    co_await peer.stall();
    co_return false;
  });
  run([&]() -> net::awaitable<void> {
    auto s = co_await client().openStream(makeRequest("POST", server.url("/"), "{}"),
                                          Deadline::after(60s));
    GW_CO_ASSERT(!s);
    EXPECT_EQ(s.error().code, ErrorCode::UpstreamTimeout) << s.error().message;
  });
}

TEST_F(UpstreamClientTest, IdleTimeoutMidStreamIsUpstreamTimeoutAndClosesConnection) {
  FakeServer server(ioc_, oneEventThenWaitForClose());
  run([&]() -> net::awaitable<void> {
    auto stream = co_await openPost(server);
    GW_CO_ASSERT(stream);
    auto one = co_await stream->next(5s);
    GW_CO_ASSERT(one);
    EXPECT_EQ(*one, "data: 1\n\n");
    auto two = co_await stream->next(100ms);
    GW_CO_ASSERT(!two);
    EXPECT_EQ(two.error().code, ErrorCode::UpstreamTimeout) << two.error().message;
    EXPECT_TRUE(co_await server.clientClosed().wait());
  });
  EXPECT_EQ(server.clientClosures(), 1u);
  EXPECT_EQ(client().idleConnections(), 0u);
}

TEST_F(UpstreamClientTest, PooledConnectionClosedByServerIsDetectedBeforeReuse) {
  EXPECT_EQ(secondRequestAfterServerClosed(0ms), 0u);  // always peek
}

TEST_F(UpstreamClientTest, RecentlyPooledConnectionClosedByServerIsRetriedTransparently) {
  // Never peek: the closed connection is found by using it, and the request re-sent once.
  EXPECT_EQ(secondRequestAfterServerClosed(60s), 1u);
}

TEST_F(UpstreamClientTest, RequestLostOnStalePooledConnectionIsRetriedOnce) {
  FakeServer server(ioc_, [](Peer& peer, const Received& r) -> net::awaitable<bool> {
    if (r.connection == 1 && r.body == "second") {
      co_return false;  // the server gave up on the kept-alive connection: no response byte
    }
    co_await peer.write(httpResponse(200, r.body));
    co_return true;
  });
  run([&]() -> net::awaitable<void> {
    for (const char* body : {"first", "second"}) {
      auto r = co_await post(server, "/", body);
      GW_CO_ASSERT(r);
      EXPECT_EQ(r->body, body);
    }
  });
  EXPECT_EQ(client().stats().retries, 1u);
  EXPECT_EQ(server.connections(), 2u);
  EXPECT_EQ(server.requests().size(), 3u);
}

TEST_F(UpstreamClientTest, RequestLostOnFreshConnectionIsNotRetried) {
  FakeServer server(ioc_, [](Peer&, const Received&) -> net::awaitable<bool> { co_return false; });
  run([&]() -> net::awaitable<void> {
    auto r = co_await post(server, "/");
    GW_CO_ASSERT(!r);
    EXPECT_EQ(r.error().code, ErrorCode::UpstreamUnavailable) << r.error().message;
  });
  EXPECT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(client().stats().retries, 0u);
}

TEST_F(UpstreamClientTest, OversizedBodyIsUpstreamError) {
  options_.max_response_bytes = 10;
  FakeServer server(ioc_, [](Peer& peer, const Received& r) -> net::awaitable<bool> {
    if (r.target == "/length") {
      co_await peer.write(httpResponse(200, std::string(100, 'x')));
    } else {
      co_await peer.write(chunkedHead(200) + chunk(std::string(8, 'x')) +
                          chunk(std::string(8, 'y')) + chunk(""));
    }
    co_return true;
  });
  run([&]() -> net::awaitable<void> {
    auto sized =
        co_await client().send(makeRequest("GET", server.url("/length")), Deadline::after(5s));
    GW_CO_ASSERT(!sized);
    EXPECT_EQ(sized.error().code, ErrorCode::UpstreamError) << sized.error().message;
    auto chunked =
        co_await client().send(makeRequest("GET", server.url("/chunked")), Deadline::after(5s));
    GW_CO_ASSERT(!chunked);
    EXPECT_EQ(chunked.error().code, ErrorCode::UpstreamError) << chunked.error().message;
  });
  EXPECT_EQ(client().idleConnections(), 0u);
}

TEST_F(UpstreamClientTest, CancellingSendClosesTheUpstreamConnectionPromptly) {
  Event received(ioc_.get_executor());
  FakeServer server(ioc_, [&](Peer& peer, const Received&) -> net::awaitable<bool> {
    received.set();
    co_await peer.readUntilClosed();
    co_return false;
  });
  run([&]() -> net::awaitable<void> {
    const auto start = std::chrono::steady_clock::now();
    // The client "disconnects" as soon as the upstream has the request.
    auto outcome =
        co_await (client().send(makeRequest("POST", server.url("/"), "{}"), Deadline::after(30s)) ||
                  received.wait(30s));
    EXPECT_EQ(outcome.index(), 1u);
    EXPECT_TRUE(co_await server.clientClosed().wait(5s));
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  });
  EXPECT_EQ(server.clientClosures(), 1u);
  EXPECT_EQ(client().idleConnections(), 0u);
}

TEST_F(UpstreamClientTest, CancellingStreamNextClosesTheUpstreamConnection) {
  Event disconnect(ioc_.get_executor());
  FakeServer server(ioc_, oneEventThenWaitForClose());
  run([&]() -> net::awaitable<void> {
    auto stream = co_await openPost(server);
    GW_CO_ASSERT(stream);
    auto one = co_await stream->next(5s);
    GW_CO_ASSERT(one);
    disconnect.set();
    auto outcome = co_await (stream->next(30s) || disconnect.wait(30s));
    EXPECT_EQ(outcome.index(), 1u);
    EXPECT_TRUE(co_await server.clientClosed().wait(5s));
    auto after = co_await stream->next(5s);
    EXPECT_FALSE(after);
  });
  EXPECT_EQ(server.clientClosures(), 1u);
  EXPECT_EQ(client().idleConnections(), 0u);
}

TEST_F(UpstreamClientTest, AbandonedStreamClosesTheUpstreamConnection) {
  FakeServer server(ioc_, oneEventThenWaitForClose());
  run([&]() -> net::awaitable<void> {
    {
      auto stream = co_await openPost(server);
      GW_CO_ASSERT(stream);
      auto one = co_await stream->next(5s);
      GW_CO_ASSERT(one);
    }
    EXPECT_TRUE(co_await server.clientClosed().wait(5s));
  });
  EXPECT_EQ(server.clientClosures(), 1u);
  EXPECT_EQ(client().idleConnections(), 0u);
}

TEST_F(UpstreamClientTest, InvalidHeaderIsRejectedBeforeSending) {
  FakeServer server(ioc_, answer("ok"));
  run([&]() -> net::awaitable<void> {
    providers::Headers headers{{"X-Evil", "a\r\nInjected: 1"}};
    const auto request = makeRequest("GET", server.url("/"), {}, headers);
    auto r = co_await client().send(request, Deadline::after(5s));
    GW_CO_ASSERT(!r);
    EXPECT_EQ(r.error().code, ErrorCode::Internal);
  });
  EXPECT_EQ(server.connections(), 0u);
}

}  // namespace
}  // namespace gw::http
