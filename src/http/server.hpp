#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "http/router.hpp"

namespace boost::asio {
class io_context;
}

namespace gw::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 0;  ///< 0 = an ephemeral port (see Server::port())
  unsigned threads = 1;
  std::size_t max_body_bytes = 20 * 1024 * 1024;
  std::size_t max_header_bytes = 16 * 1024;
  std::chrono::milliseconds header_timeout{30'000};
  std::chrono::milliseconds body_timeout{60'000};
  std::chrono::milliseconds idle_timeout{75'000};
  std::chrono::milliseconds shutdown_grace{15'000};
  bool access_log = true;
};

/// The HTTP/1.1 server: one io_context per thread, each with its own SO_REUSEPORT listener;
/// keep-alive, request limits and timeouts; graceful shutdown.
/// @par Thread Safety
/// start(), stop() and wait() are called from one controlling thread. Handlers run on the
/// event-loop thread that accepted their connection.
class Server {
public:
  Server(ServerOptions options, const Router& router);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds the listeners (throws on failure) without running the loops yet.
  void bind();
  /// Runs the event loops on their threads. bind() must have been called.
  void start();
  /// The bound port (after bind()).
  unsigned short port() const { return port_; }
  /// Graceful shutdown: stop accepting, close idle connections, let in-flight requests and
  /// streams finish within the grace period, then close everything and stop the loops.
  /// Blocks until done.
  void stop();
  /// Blocks until the loops have stopped.
  void wait();

  std::size_t loopCount() const { return loops_.size(); }
  boost::asio::io_context& loop(std::size_t i);
  /// Index of the event loop running on the calling thread, or -1 off the loops.
  static int currentLoopIndex();
  /// Connections currently open.
  int activeConnections() const { return active_.load(); }

  struct Loop;

private:
  ServerOptions options_;
  const Router& router_;
  std::atomic<int> active_{0};  // before loops_: sessions destroyed with a loop decrement it
  std::vector<std::unique_ptr<Loop>> loops_;
  std::vector<std::thread> threads_;
  unsigned short port_ = 0;
  bool stopped_ = false;
};

}  // namespace gw::http
