#pragma once

// Support for the http::Server tests: a server on an ephemeral loopback port and a blocking
// raw client that can keep a connection open, pipeline and read responses one by one.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "http/server.hpp"

namespace gw::http::test {

namespace beast = boost::beast;
using tcp = net::ip::tcp;
using Response = bhttp::response<bhttp::string_body>;

/// A running Server over `router` (owned by the caller), stopped on destruction.
class RunningServer {
public:
  RunningServer(const Router& router, ServerOptions options = {}) {
    options.host = "127.0.0.1";
    options.port = 0;
    options.access_log = false;
    server_ = std::make_unique<Server>(std::move(options), router);
    server_->bind();
    server_->start();
  }
  ~RunningServer() { server_->stop(); }
  Server& server() { return *server_; }
  unsigned short port() const { return server_->port(); }

private:
  std::unique_ptr<Server> server_;
};

/// One client connection. Every operation is bounded by `timeout` so a broken server fails
/// the test instead of hanging it.
class RawClient {
public:
  explicit RawClient(unsigned short port,
                     std::chrono::milliseconds timeout = std::chrono::seconds(5))
      : stream_(ioc_), timeout_(timeout) {
    stream_.expires_after(timeout_);
    stream_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  }

  /// Writes raw bytes (one or several requests, or a part of one).
  void sendRaw(std::string_view bytes) {
    stream_.expires_after(timeout_);
    beast::error_code ec;
    net::write(stream_, net::buffer(bytes.data(), bytes.size()), ec);
  }

  /// Writes a request built from parts (Content-Length set from the body).
  void send(std::string method, std::string target, std::string body = {},
            std::vector<std::pair<std::string, std::string>> headers = {}) {
    bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), target, 11};
    req.set(bhttp::field::host, "127.0.0.1");
    for (auto& [k, v] : headers) {
      req.set(k, v);
    }
    req.body() = std::move(body);
    req.prepare_payload();
    stream_.expires_after(timeout_);
    bhttp::write(stream_, req);
  }

  /// Reads one response; nullopt when the connection closed or failed first.
  /// `head` reads a response to HEAD (a header only, whatever Content-Length says).
  std::optional<Response> read(bool head = false) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.skip(head);
    parser.body_limit(64 * 1024 * 1024);
    stream_.expires_after(timeout_);
    beast::error_code ec;
    bhttp::read(stream_, buffer_, parser, ec);
    if (ec) {
      last_error_ = ec;
      return std::nullopt;
    }
    return parser.release();
  }

  /// Send + read.
  std::optional<Response> roundTrip(std::string method, std::string target, std::string body = {},
                                    std::vector<std::pair<std::string, std::string>> headers = {}) {
    send(method, std::move(target), std::move(body), std::move(headers));
    return read(method == "HEAD");
  }

  /// True when the server closed the connection (EOF or reset) with no further bytes.
  bool closedByServer() {
    stream_.expires_after(timeout_);
    char byte;
    beast::error_code ec;
    const auto n = stream_.read_some(net::buffer(&byte, 1), ec);
    return n == 0 && (ec == net::error::eof || ec == net::error::connection_reset);
  }

  /// Shuts down our sending side, as a client does when it has nothing more to send: a
  /// server draining input before it closes (lingering close) then sees EOF at once.
  void halfClose() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  /// Bytes already read past the last response (pipelining leftovers).
  std::size_t buffered() const { return buffer_.size(); }
  beast::error_code lastError() const { return last_error_; }

private:
  net::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::chrono::milliseconds timeout_;
  beast::error_code last_error_;
};

}  // namespace gw::http::test
