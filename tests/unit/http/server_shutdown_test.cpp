#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <future>

#include "unit/http/server_test_support.hpp"

namespace gw::http {
namespace {

using namespace std::chrono_literals;
using test::RawClient;
using test::tcp;
using Clock = std::chrono::steady_clock;

/// True when a new connection to `port` is refused (or reset before it can be used).
bool refuses(unsigned short port) {
  net::io_context ioc;
  tcp::socket s(ioc);
  boost::system::error_code ec;
  s.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
  return ec == net::error::connection_refused;
}

/// A server whose /slow handler reports that it started, then answers after ~300 ms on an
/// asio timer (the handler, not the test, waits).
class ShutdownTest : public ::testing::Test {
protected:
  ShutdownTest() {
    router.add("GET", "/slow", [this](RequestContext& rc) -> net::awaitable<void> {
      started.set_value();
      net::steady_timer t(co_await net::this_coro::executor, 300ms);
      co_await t.async_wait(net::use_awaitable);
      co_await rc.send(200, std::string(100'000, 'z'), "text/plain");
    });
    router.add("GET", "/fast", [](RequestContext& rc) -> net::awaitable<void> {
      co_await rc.send(200, "fast", "text/plain");
    });
    ServerOptions o;
    o.host = "127.0.0.1";
    o.threads = 1;
    o.shutdown_grace = 10s;
    o.access_log = false;
    server = std::make_unique<Server>(o, router);
    server->bind();
    server->start();
  }
  ~ShutdownTest() override { server->stop(); }

  Router router;
  std::promise<void> started;
  std::unique_ptr<Server> server;
};

TEST_F(ShutdownTest, InFlightRequestFinishesAndNewConnectionsAreRefused) {
  const auto port = server->port();
  RawClient slow(port, 10s);
  slow.send("GET", "/slow");
  auto response = std::async(std::launch::async, [&] { return slow.read(); });
  started.get_future().wait();

  auto stopped = std::async(std::launch::async, [&] { server->stop(); });
  // Once stop has begun the listener is closed; the slow request is still running then.
  const auto give_up = Clock::now() + 5s;
  bool refused = false;
  while (!refused && Clock::now() < give_up) {
    refused = refuses(port);
  }
  EXPECT_TRUE(refused) << "the listener stayed open after stop()";
  EXPECT_EQ(response.wait_for(0s), std::future_status::timeout)
      << "the slow response finished before the listener closed";

  auto r = response.get();
  ASSERT_TRUE(r) << slow.lastError().message();
  EXPECT_EQ(r->result_int(), 200u);
  EXPECT_EQ(r->body().size(), 100'000u);
  EXPECT_FALSE(r->keep_alive()) << "a response during shutdown should say Connection: close";
  EXPECT_TRUE(slow.closedByServer());
  stopped.get();
  EXPECT_EQ(server->activeConnections(), 0);
}

TEST_F(ShutdownTest, IdleKeepAliveConnectionsAreClosedPromptly) {
  RawClient idle(server->port());
  auto r = idle.roundTrip("GET", "/fast");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->keep_alive());
  RawClient never_sent(server->port());  // connected, no request yet
  const auto t0 = Clock::now();
  server->stop();
  // Far below the 10 s grace: idle connections do not hold shutdown up.
  EXPECT_LT(Clock::now() - t0, 2s);
  EXPECT_TRUE(idle.closedByServer());
  EXPECT_TRUE(never_sent.closedByServer());
}

TEST_F(ShutdownTest, StopWithoutConnectionsReturnsAtOnce) {
  const auto t0 = Clock::now();
  server->stop();
  EXPECT_LT(Clock::now() - t0, 1s);
  EXPECT_TRUE(refuses(server->port()));
  server->stop();  // idempotent
}


TEST(ShutdownGrace, HandlerOutlastingTheGraceIsCutOffAndTheServerDestroysCleanly) {
  // The handler ignores shutdown; after the grace (and the hard deadline) the connection is
  // closed and the loops stop with the handler's frame still pending, which the server's
  // destructor must tear down without touching freed state.
  Router router;
  std::promise<void> started;
  router.add("GET", "/stuck", [&](RequestContext& rc) -> net::awaitable<void> {
    started.set_value();
    net::steady_timer t(co_await net::this_coro::executor, 60s);
    co_await t.async_wait(net::as_tuple(net::use_awaitable));
    co_await rc.send(200, "too late", "text/plain");
  });
  ServerOptions o;
  o.host = "127.0.0.1";
  o.threads = 1;
  o.shutdown_grace = 50ms;
  o.access_log = false;
  auto server = std::make_unique<Server>(o, router);
  server->bind();
  server->start();
  RawClient c(server->port(), 10s);
  c.send("GET", "/stuck");
  started.get_future().wait();
  const auto t0 = Clock::now();
  server->stop();
  EXPECT_LT(Clock::now() - t0, 5s);
  EXPECT_FALSE(c.read());
  server.reset();
}

}  // namespace
}  // namespace gw::http
