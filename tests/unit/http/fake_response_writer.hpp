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
  net::awaitable<bool> writeResponse(bhttp::response<bhttp::string_body>&& r) override {
    responses.push_back(std::move(r));
    co_return true;
  }
  net::awaitable<bool> writeStreamHeader(bhttp::response<bhttp::empty_body>&&) override {
    co_return true;
  }
  net::awaitable<bool> writeChunk(std::string_view) override { co_return true; }
  net::awaitable<bool> writeLastChunk() override { co_return true; }

  std::vector<bhttp::response<bhttp::string_body>> responses;
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
