#include <gtest/gtest.h>

#include <boost/asio/ssl/context.hpp>

#include "http/client/upstream_client.hpp"
#include "unit/http/client_test_support.hpp"

namespace gw::http {
namespace {

using namespace test_support;

providers::UpstreamRequest post(std::string url, std::string body = "{}") {
  providers::UpstreamRequest r;
  r.url = std::move(url);
  r.body = std::move(body);
  return r;
}

Handler echo() {
  return [](Peer& peer, const Received& r) -> net::awaitable<bool> {
    co_await peer.write(httpResponse(200, "echo:" + r.body));
    co_return true;
  };
}

/// The same certificates for the whole suite: key generation is the slow part.
const TestCert& localhostCert() {
  static const TestCert cert = makeSelfSignedCert("DNS:localhost,IP:127.0.0.1");
  return cert;
}
const TestCert& upstreamTestCert() {
  static const TestCert cert = makeSelfSignedCert("DNS:upstream.test");
  return cert;
}

class TlsProxyTest : public ::testing::Test {
protected:
  UpstreamClient& client(const TestCert& trusted) {
    if (!client_) {
      tls_ = makeClientTlsContext(
          {.system_ca = false, .extra_ca_file = {}, .extra_ca_pem = trusted.cert_pem});
      client_ = std::make_unique<UpstreamClient>(ioc_.get_executor(), *tls_, options_);
    }
    return *client_;
  }
  void run(std::function<net::awaitable<void>()> body) { runAsync(ioc_, std::move(body)); }
  /// Sends to a TLS server presenting `served` while trusting only `trusted`, over the name
  /// "localhost", and expects a certificate verification failure before any request is sent.
  void expectVerificationFailure(const TestCert& served, const TestCert& trusted) {
    auto server_tls = makeServerTls(served);
    FakeServer server(ioc_, echo(), server_tls.get());
    run([&]() -> net::awaitable<void> {
      auto r =
          co_await client(trusted).send(post(server.url("/", "localhost")), Deadline::after(5s));
      GW_CO_ASSERT(!r);
      EXPECT_EQ(r.error().code, ErrorCode::UpstreamUnavailable);
      EXPECT_NE(r.error().message.find("verification failed"), std::string::npos)
          << r.error().message;
    });
    EXPECT_EQ(server.requests().size(), 0u);
  }

  net::io_context ioc_;
  std::shared_ptr<net::ssl::context> tls_;
  ClientOptions options_;
  std::unique_ptr<UpstreamClient> client_;
};

TEST_F(TlsProxyTest, VerifiedTlsWithSniAndKeepAlive) {
  auto server_tls = makeServerTls(localhostCert());
  FakeServer server(ioc_, echo(), server_tls.get());
  run([&]() -> net::awaitable<void> {
    for (const char* body : {"a", "b"}) {
      auto r = co_await client(localhostCert())
                   .send(post(server.url("/v1/x", "localhost"), body), Deadline::after(5s));
      GW_CO_ASSERT(r);
      EXPECT_EQ(r->status, 200);
      EXPECT_EQ(r->body, std::string("echo:") + body);
    }
  });
  EXPECT_EQ(server.lastSni(), "localhost");
  EXPECT_EQ(server.connections(), 1u);
  EXPECT_EQ(server.requests().at(0).headers.at("host"),
            "localhost:" + std::to_string(server.port()));
}

TEST_F(TlsProxyTest, TlsToIpLiteralVerifiesTheIpSan) {
  auto server_tls = makeServerTls(localhostCert());
  FakeServer server(ioc_, echo(), server_tls.get());
  run([&]() -> net::awaitable<void> {
    auto r = co_await client(localhostCert()).send(post(server.url("/")), Deadline::after(5s));
    GW_CO_ASSERT(r);
    EXPECT_EQ(r->body, "echo:{}");
  });
  EXPECT_EQ(server.lastSni(), "");  // no SNI for IP literals
}

TEST_F(TlsProxyTest, WrongHostNameIsRejected) {
  // A trusted certificate, but for upstream.test, not localhost.
  expectVerificationFailure(upstreamTestCert(), upstreamTestCert());
}

TEST_F(TlsProxyTest, UntrustedCertificateIsRejected) {
  // Right name, but the client trusts another self-signed certificate.
  expectVerificationFailure(localhostCert(), upstreamTestCert());
}

TEST_F(TlsProxyTest, HttpsGoesThroughConnectTunnelWithProxyCredentials) {
  auto server_tls = makeServerTls(upstreamTestCert());
  FakeServer server(ioc_, echo(), server_tls.get());
  ConnectProxy proxy(ioc_, server.port());
  options_.https_proxy = "http://user:secret@127.0.0.1:" + std::to_string(proxy.port());
  run([&]() -> net::awaitable<void> {
    for (const char* body : {"1", "2"}) {
      auto r = co_await client(upstreamTestCert())
                   .send(post(server.url("/v1/chat", "upstream.test"), body), Deadline::after(5s));
      GW_CO_ASSERT(r);
      EXPECT_EQ(r->body, std::string("echo:") + body);
    }
  });
  ASSERT_EQ(proxy.requests().size(), 1u);  // one tunnel, reused
  const Received& connect = proxy.requests()[0];
  const std::string authority = "upstream.test:" + std::to_string(server.port());
  EXPECT_EQ(connect.method, "CONNECT");
  EXPECT_EQ(connect.target, authority);
  EXPECT_EQ(connect.headers.at("proxy-authorization"), "Basic dXNlcjpzZWNyZXQ=");
  EXPECT_EQ(server.lastSni(), "upstream.test");
  ASSERT_EQ(server.requests().size(), 2u);
  EXPECT_EQ(server.requests()[0].target, "/v1/chat");
  EXPECT_EQ(server.requests()[0].headers.count("proxy-authorization"), 0u);
}

TEST_F(TlsProxyTest, PlainHttpThroughProxyUsesAbsoluteFormTarget) {
  ConnectProxy proxy(ioc_, 9);
  options_.https_proxy = "127.0.0.1:" + std::to_string(proxy.port());
  run([&]() -> net::awaitable<void> {
    auto r = co_await client(localhostCert())
                 .send(post("http://models.test:8000/v1/models?a=b"), Deadline::after(5s));
    GW_CO_ASSERT(r);
    EXPECT_EQ(r->body, "via proxy");
  });
  ASSERT_EQ(proxy.requests().size(), 1u);
  EXPECT_EQ(proxy.requests()[0].method, "POST");
  EXPECT_EQ(proxy.requests()[0].target, "http://models.test:8000/v1/models?a=b");
  EXPECT_EQ(proxy.requests()[0].headers.at("host"), "models.test:8000");
}

TEST_F(TlsProxyTest, LoopbackBypassesTheProxy) {
  FakeServer server(ioc_, echo());
  ConnectProxy proxy(ioc_, server.port());
  options_.https_proxy = "127.0.0.1:" + std::to_string(proxy.port());
  options_.no_proxy = "upstream.test";
  run([&]() -> net::awaitable<void> {
    auto r = co_await client(localhostCert()).send(post(server.url("/")), Deadline::after(5s));
    GW_CO_ASSERT(r);
    EXPECT_EQ(r->body, "echo:{}");
  });
  EXPECT_EQ(proxy.requests().size(), 0u);
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST_F(TlsProxyTest, ProxyEnvironmentIsRead) {
  ::setenv("HTTPS_PROXY", "http://proxy.corp:3128", 1);
  ::setenv("NO_PROXY", "internal.corp", 1);
  ClientOptions options;
  applyProxyEnvironment(options);
  ::unsetenv("HTTPS_PROXY");
  ::unsetenv("NO_PROXY");
  ASSERT_TRUE(options.https_proxy.has_value());
  EXPECT_EQ(*options.https_proxy, "http://proxy.corp:3128");
  EXPECT_EQ(options.no_proxy, "internal.corp");
}

}  // namespace
}  // namespace gw::http
