#include "http/client/client_set.hpp"

#include <stdexcept>

#include "http/server.hpp"

namespace gw::http {

UpstreamClient& ClientSet::current() {
  const int i = Server::currentLoopIndex();
  if (i < 0 || static_cast<std::size_t>(i) >= clients_.size()) {
    throw std::logic_error("ClientSet::current() called off an event-loop thread");
  }
  return *clients_[static_cast<std::size_t>(i)];
}

}  // namespace gw::http
