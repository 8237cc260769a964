#pragma once

#include "behaviour.hpp"
#include "recorder.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <memory>
#include <string>
#include <vector>

namespace gw::mock {

/// The mock-llm HTTP/1.1 server: one acceptor, `threads` io_contexts (one per thread), one
/// coroutine per connection. Connections are spread round-robin over the io_contexts, so a
/// connection lives on one thread; the Recorder and ScenarioBook are the only shared state.
class Server {
public:
  /// Binds and listens (throws on failure: startup is fail-fast).
  Server(const std::string& host, unsigned short port, int threads);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  unsigned short port() const;
  /// Serves until SIGINT or SIGTERM, then stops every io_context and joins its thread.
  void run();

private:
  Recorder recorder_;
  ScenarioBook scenarios_;
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  boost::asio::ip::tcp::acceptor acceptor_;
};

} // namespace gw::mock
