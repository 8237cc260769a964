#pragma once

// A ResponseWriter without a socket, and a helper that runs one handler to completion, for
// unit tests of handlers and the router.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>
#include <string>
#include <vector>

#include "http/request_context.hpp"
#include "http/router.hpp"

namespace gw::http::test {

/// Collects complete responses; streaming calls succeed and are ignored.
class FakeResponseWriter final : public ResponseWriter {
public:
  net::awaitable<bool> writeResponse(const ResponseHead& head, std::string_view body) override {
    responses.push_back(toMessage(head, body));
    co_return true;
  }
  net::awaitable<bool> writeStreamHeader(const ResponseHead&) override { co_return true; }
  net::awaitable<bool> writeChunk(std::string_view) override { co_return true; }
  net::awaitable<bool> writeLastChunk() override { co_return true; }

  std::vector<bhttp::response<bhttp::string_body>> responses;

  /// The head and body as a Beast message, for tests to read.
  static bhttp::response<bhttp::string_body> toMessage(const ResponseHead& head,
                                                       std::string_view body) {
    bhttp::response<bhttp::string_body> r{static_cast<bhttp::status>(head.status), head.version};
    std::string_view fields = head.fields;
    while (!fields.empty()) {
      const auto eol = fields.find("\r\n");
      const std::string_view line = fields.substr(0, eol);
      const auto colon = line.find(": ");
      r.insert(line.substr(0, colon), line.substr(colon + 2));
      fields.remove_prefix(eol + 2);
    }
    r.keep_alive(head.keep_alive);
    r.body() = std::string(body);
    return r;
  }
};

/// Runs `handler` for `request` on a private io_context until it finishes; rethrows what the
/// handler throws. Returns the writer with what was sent.
inline FakeResponseWriter runHandler(const Handler& handler, Request& request,
                                     std::vector<std::pair<std::string, std::string>> params = {}) {
  FakeResponseWriter writer;
  RequestContext rc(request, writer, "test-request-id", net::ip::make_address("10.1.2.3"));
  rc.setParams(std::move(params));
  net::io_context ioc;
  std::exception_ptr failure;
  net::co_spawn(ioc, handler(rc), [&](std::exception_ptr e) { failure = e; });
  ioc.run();
  if (failure) {
    std::rethrow_exception(failure);
  }
  return writer;
}

}  // namespace gw::http::test
