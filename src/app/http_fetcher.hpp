#pragma once

#include <chrono>

#include "presets/sync.hpp"

namespace boost::asio::ssl {
class context;
}

namespace gw::app {

/// A blocking presets Fetcher over the upstream client: runs a private io_context on the
/// calling thread (the blocking pool), so the event loops are never blocked.
class HttpFetcher final : public presets::Fetcher {
public:
  HttpFetcher(boost::asio::ssl::context& tls, std::chrono::milliseconds timeout)
      : tls_(tls), timeout_(timeout) {}
  presets::FetchResult fetch(const std::string& url, const std::string& etag,
                             const std::string& last_modified) override;

private:
  boost::asio::ssl::context& tls_;
  std::chrono::milliseconds timeout_;
};

}  // namespace gw::app
