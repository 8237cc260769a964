#pragma once

#include <memory>
#include <vector>

#include "http/client/upstream_client.hpp"

namespace gw::http {

/// One UpstreamClient per event loop, so connection pools are never shared across threads.
/// @par Thread Safety
/// Built before the loops run; current() returns the calling loop's client and must be called
/// on an event-loop thread.
class ClientSet {
public:
  void add(std::unique_ptr<UpstreamClient> client) { clients_.push_back(std::move(client)); }
  /// The client of the event loop running on this thread.
  UpstreamClient& current();
  std::size_t size() const { return clients_.size(); }

private:
  std::vector<std::unique_ptr<UpstreamClient>> clients_;
};

}  // namespace gw::http
