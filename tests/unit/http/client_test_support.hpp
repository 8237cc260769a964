#pragma once

// Loopback fakes for the upstream client tests: a scripted HTTP(S) server, an HTTP CONNECT
// proxy, a self-signed certificate maker and a one-shot event. Everything runs on the test's
// single io_context; waits are deadlines, never sleeps.

#include <gtest/gtest.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace boost::asio::ssl {
class context;
}  // namespace boost::asio::ssl

/// ASSERT for coroutine bodies (gtest's ASSERT_* uses `return`).
#define GW_CO_ASSERT(cond)                            \
  do {                                                \
    if (!(cond)) {                                    \
      ADD_FAILURE() << "assertion failed: " << #cond; \
      co_return;                                      \
    }                                                 \
  } while (0)

namespace gw::http::test_support {

namespace net = boost::asio;
using namespace std::chrono_literals;

/// Runs `body` on `ioc` until it completes (guarded by a generous wall-clock limit that only a
/// hung test reaches); rethrows its exception.
void runAsync(net::io_context& ioc, std::function<net::awaitable<void>()> body);

/// A one-shot signal between coroutines of the same thread.
class Event {
public:
  explicit Event(net::any_io_executor executor) : timer_(std::move(executor)) {}
  void set() {
    set_ = true;
    timer_.cancel();
  }
  bool isSet() const { return set_; }
  /// Waits until set() or `limit` passes; returns whether it was set.
  net::awaitable<bool> wait(std::chrono::milliseconds limit = 5000ms);

private:
  net::steady_timer timer_;
  bool set_ = false;
};

/// One request as the fake server received it. Header names are lower-cased.
struct Received {
  std::string method;
  std::string target;
  std::string body;
  std::map<std::string, std::string> headers;
  std::size_t connection = 0;  ///< 1-based index of the connection it came on
};

/// An accepted connection, handed to the handler to answer however the test needs.
class Peer {
public:
  struct Impl;
  explicit Peer(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
  /// Writes raw bytes (errors ignored).
  net::awaitable<void> write(std::string bytes);
  /// Returns once the client has closed the connection (EOF or reset); counts it.
  net::awaitable<void> readUntilClosed();
  /// Waits until the server is destroyed: a stalled upstream.
  net::awaitable<void> stall();
  /// Closes the connection from the server side.
  void close();

private:
  std::shared_ptr<Impl> impl_;
};

/// Answers one request. Return false to close the connection afterwards.
using Handler = std::function<net::awaitable<bool>(Peer&, const Received&)>;

/// A scripted HTTP/1.1 server on 127.0.0.1, port 0; TLS when given a server context.
class FakeServer {
public:
  FakeServer(net::io_context& ioc, Handler handler, net::ssl::context* tls = nullptr);
  ~FakeServer();
  std::uint16_t port() const;
  /// "http(s)://<host>:<port><path>".
  std::string url(std::string_view path, std::string_view host = "127.0.0.1") const;
  std::size_t connections() const;
  const std::vector<Received>& requests() const;
  /// Connections the client closed (seen by the read loop or readUntilClosed()).
  std::size_t clientClosures() const;
  /// Set whenever the client closes a connection.
  Event& clientClosed();
  /// The SNI host name of the last TLS handshake.
  std::string lastSni() const;

  struct State;

private:
  std::shared_ptr<State> state_;
};

/// A tiny forward proxy on 127.0.0.1: CONNECT tunnels to 127.0.0.1:<target_port> whatever host
/// was asked for; any other request is answered itself with 200 "via proxy".
class ConnectProxy {
public:
  ConnectProxy(net::io_context& ioc, std::uint16_t target_port);
  ~ConnectProxy();
  std::uint16_t port() const;
  const std::vector<Received>& requests() const;

  struct State;

private:
  std::shared_ptr<State> state_;
};

/// "HTTP/1.1 <status> X\r\nContent-Length: n\r\n<extra>\r\n<body>".
std::string httpResponse(int status, std::string_view body, std::string_view extra_headers = "");
/// Header of a chunked response (no body yet).
std::string chunkedHead(int status, std::string_view extra_headers = "");
/// One chunk: "<hex len>\r\n<data>\r\n"; an empty `data` is the last chunk.
std::string chunk(std::string_view data);

/// A self-signed certificate (its own trust anchor) with subjectAltName `san`, e.g.
/// "DNS:localhost,IP:127.0.0.1".
struct TestCert {
  std::string cert_pem;
  std::string key_pem;
};
TestCert makeSelfSignedCert(const std::string& san);
std::shared_ptr<net::ssl::context> makeServerTls(const TestCert& cert);

/// A loopback port on which nothing listens.
std::uint16_t closedPort(net::io_context& ioc);

}  // namespace gw::http::test_support
