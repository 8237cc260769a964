#include "app/http_fetcher.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/detached.hpp>

#include "http/client/upstream_client.hpp"

namespace gw::app {

namespace net = boost::asio;

presets::FetchResult HttpFetcher::fetch(const std::string& url, const std::string& etag,
                                        const std::string& last_modified) {
  net::io_context ioc;
  http::ClientOptions opts;
  http::applyProxyEnvironment(opts);
  opts.first_byte_timeout = timeout_;
  opts.max_response_bytes = std::size_t{64} << 20;
  http::UpstreamClient client(ioc.get_executor(), tls_, opts);
  providers::UpstreamRequest req;
  req.method = "GET";
  req.url = url;
  if (!etag.empty()) {
    req.headers.emplace_back("If-None-Match", etag);
  }
  if (!last_modified.empty()) {
    req.headers.emplace_back("If-Modified-Since", last_modified);
  }
  presets::FetchResult out;
  net::co_spawn(
      ioc,
      [&]() -> net::awaitable<void> {
        auto r = co_await client.send(req, http::Deadline::after(timeout_));
        if (!r) {
          out.error = r.error().message;
          co_return;
        }
        out.status = r->status;
        out.body = std::move(r->body);
        if (const auto* e = providers::findHeader(r->headers, "etag")) {
          out.etag = *e;
        }
        if (const auto* m = providers::findHeader(r->headers, "last-modified")) {
          out.last_modified = *m;
        }
      },
      net::detached);
  ioc.run();
  return out;
}

}  // namespace gw::app
