#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <type_traits>
#include <utility>

namespace gw {

/// Threads for blocking work (database calls, password hashing, file reads), so none of it
/// runs on an event-loop thread. `run()` hops to the pool and resumes the caller on its own
/// executor with the result (exceptions propagate to the awaiting coroutine).
/// @par Thread Safety
/// Thread-safe.
class BlockingPool {
public:
  explicit BlockingPool(unsigned threads) : pool_(threads) {}
  ~BlockingPool() { pool_.join(); }

  template <class F>
  boost::asio::awaitable<std::invoke_result_t<F>> run(F f) {
    using R = std::invoke_result_t<F>;
    co_return co_await boost::asio::co_spawn(
        pool_.get_executor(),
        [f = std::move(f)]() mutable -> boost::asio::awaitable<R> { co_return f(); },
        boost::asio::use_awaitable);
  }

  boost::asio::thread_pool::executor_type executor() { return pool_.get_executor(); }
  void stop() {
    pool_.stop();
    pool_.join();
  }

private:
  boost::asio::thread_pool pool_;
};

}  // namespace gw
