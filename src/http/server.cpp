#include "http/server.hpp"

#include <sys/socket.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>

#include <algorithm>
#include <array>
#include <future>
#include <list>
#include <optional>
#include <random>

#include "core/log.hpp"
#include "http/errors.hpp"
#include "http/message_io.hpp"

namespace gw::http {

namespace beast = boost::beast;
using tcp = net::ip::tcp;
using SteadyClock = std::chrono::steady_clock;
constexpr auto kTuple = net::as_tuple(net::use_awaitable);
constexpr auto kNever = SteadyClock::time_point::max();

namespace {

thread_local int tl_loop_index = -1;

/// Cheap unique ids: a random per-thread prefix and a counter.
std::string newRequestId() {
  thread_local std::uint64_t prefix = std::random_device{}() ^ (std::uint64_t(std::random_device{}()) << 32);
  thread_local std::uint64_t counter = 0;
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string id(24, '0');  // 16 hex digits of prefix, 8 of counter
  const std::uint64_t count = ++counter & 0xFFFFFFFFull;
  for (int i = 0; i < 16; ++i) {
    id[15 - i] = kDigits[(prefix >> (4 * i)) & 0xF];
  }
  for (int i = 0; i < 8; ++i) {
    id[23 - i] = kDigits[(count >> (4 * i)) & 0xF];
  }
  return id;
}

bool validRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) {
    return false;
  }
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.' || c == ':';
    if (!ok) {
      return false;
    }
  }
  return true;
}

Error payloadTooLarge(std::size_t limit) {
  return Error{ErrorCode::PayloadTooLarge,
               "request body exceeds " + std::to_string(limit) + " bytes"};
}

/// The error body for a path no route takes (404) or takes with another method (405).
json::object notRoutedBody(std::string_view path, bool wrong_method) {
  if (wrong_method) {
    return errorBodyFor(path,
                        Error{ErrorCode::MethodNotAllowed, "method not allowed for this path"});
  }
  return errorBodyFor(path, Error::notFound("no route for " + std::string(path)));
}

/// The error body for a handler that sent no response.
json::object silentHandlerBody(std::string_view path) {
  return errorBodyFor(path, Error::internal("handler sent no response"));
}

/// The path of a request target: the target without its query.
std::string_view pathOf(std::string_view target) { return target.substr(0, target.find('?')); }

constexpr std::string_view kCrlf = "\r\n";

/// The size line of one chunk of a chunked body: hex digits and CRLF.
class ChunkSize {
public:
  explicit ChunkSize(std::size_t size) {
    static constexpr char kDigits[] = "0123456789abcdef";
    char* end = text_ + sizeof text_;
    char* p = end - 2;
    p[0] = '\r';
    p[1] = '\n';
    do {
      *--p = kDigits[size & 0xF];
      size >>= 4;
    } while (size != 0);
    begin_ = p;
  }
  ChunkSize(const ChunkSize&) = delete;
  ChunkSize& operator=(const ChunkSize&) = delete;
  net::const_buffer buffer() const {
    return net::buffer(begin_, static_cast<std::size_t>(text_ + sizeof text_ - begin_));
  }

private:
  char text_[2 * sizeof(std::size_t) + 2];
  const char* begin_;
};

/// Unread input drained at most after refusing a request, and for how long.
constexpr std::size_t kLingerBytes = 1024 * 1024;
constexpr std::chrono::milliseconds kLingerTime{1000};

}  // namespace

class Session;

/// How often a loop looks for armed disconnect watches to start (see Session::watchClient).
constexpr std::chrono::milliseconds kWatchSweep{10};

/// How often a loop closes connections whose I/O deadline has passed: an eighth of the
/// shortest server timeout, between 10 and 250 ms. Timeouts are enforced that coarsely, and in
/// exchange a read or write costs a stored time point instead of a timer per operation.
std::chrono::milliseconds reapInterval(const ServerOptions& o) {
  const auto shortest = std::min({o.header_timeout, o.body_timeout, o.idle_timeout});
  return std::clamp(shortest / 8, std::chrono::milliseconds(10), std::chrono::milliseconds(250));
}

struct Server::Loop {
  Loop(int index, std::chrono::milliseconds reap_interval)
      : index(index), reap_interval(reap_interval), acceptor(ioc), sweeper(ioc), reaper(ioc) {}
  int index;
  std::chrono::milliseconds reap_interval;
  // Declared before ioc so they outlive it: destroying ioc destroys the frames of sessions
  // still running after the hard deadline, and their destructors unlink from this list.
  std::list<Session*> sessions;  // touched only on this loop's thread
  bool stopping = false;
  int armed = 0;              ///< sessions whose disconnect watch is armed
  std::uint64_t sweeps = 0;   ///< sweeps done so far
  bool sweeping = false;      ///< the sweeper timer is pending
  bool reaping = false;        ///< the reaper timer is pending
  net::io_context ioc{1};
  tcp::acceptor acceptor;
  net::steady_timer sweeper;
  net::steady_timer reaper;

  /// Starts the sweeper unless it runs: every kWatchSweep while watches are armed, it starts
  /// the readiness wait of each watch armed since before the previous sweep.
  void startSweeper();
  /// Starts the reaper unless it runs: every reap_interval while sessions exist, it closes
  /// the sessions whose I/O deadline has passed.
  void startReaper();
};

class Session final : public ResponseWriter {
public:
  Session(tcp::socket socket, Server::Loop& loop, const Router& router,
          const ServerOptions& options, std::atomic<int>& active)
      : socket_(std::move(socket)), loop_(loop), router_(router), options_(options),
        active_(active) {
    boost::system::error_code ec;
    remote_ = socket_.remote_endpoint(ec).address();
    // Writes are tried at once and go asynchronous only for what the socket does not take.
    socket_.non_blocking(true, ec);
    it_ = loop_.sessions.insert(loop_.sessions.end(), this);
    ++active_;
    loop_.startReaper();
  }
  ~Session() override {
    if (watch_->armed) {
      --loop_.armed;
    }
    watch_->alive = false;
    loop_.sessions.erase(it_);
    --active_;
  }

  bool idle() const { return idle_; }
  void close() {
    boost::system::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
  }
  /// Called by the reaper: closes the connection when its I/O deadline has passed (the
  /// pending read or write then fails, which ends the session).
  void reap(SteadyClock::time_point now) {
    if (deadline_ <= now) {
      deadline_ = kNever;
      close();
    }
  }

  net::awaitable<void> run();

private:
  /// Writes `buffers` whole: at once when the socket takes them, else waiting for it (what
  /// is left, under the idle timeout).
  template <std::size_t N>
  net::awaitable<bool> send(std::array<net::const_buffer, N> buffers) {
    const auto at_once = writeNow(socket_, buffers);
    if (at_once != net::error::would_block) {
      co_return !at_once;
    }
    deadline_ = SteadyClock::now() + options_.idle_timeout;
    auto [ec, n] = co_await net::async_write(socket_, buffers, kTuple);
    deadline_ = kNever;
    co_return !ec;
  }

public:
  net::awaitable<bool> writeResponse(const ResponseHead& head, std::string_view body) override {
    // Shutdown may have begun while the handler ran: tell the client this connection ends.
    keep_alive_ = head.keep_alive && !loop_.stopping;
    head_.clear();
    appendWireHead(head_, head, keep_alive_);
    co_return co_await send(std::array<net::const_buffer, 2>{
        net::buffer(head_), net::buffer(body.data(), body.size())});
  }

  net::awaitable<bool> writeStreamHeader(const ResponseHead& head) override {
    keep_alive_ = head.keep_alive && !loop_.stopping;
    if (buffer_.size() == 0) {
      // A stream may stay open for minutes: do not hold the read buffer meanwhile.
      buffer_.shrink_to_fit();
    }
    head_.clear();
    appendWireHead(head_, head, keep_alive_);
    const bool sent = co_await send(std::array<net::const_buffer, 1>{net::buffer(head_)});
    // The head is not needed again before the next response: do not hold it while streaming.
    std::string().swap(head_);
    co_return sent;
  }

  net::awaitable<bool> writeChunk(std::string_view data) override {
    if (data.empty()) {
      co_return true;
    }
    ChunkSize size(data.size());
    co_return co_await send(std::array<net::const_buffer, 3>{
        size.buffer(), net::buffer(data.data(), data.size()), net::buffer(kCrlf)});
  }

  net::awaitable<bool> writeLastChunk() override {
    static constexpr std::string_view kLastChunk = "0\r\n\r\n";
    co_return co_await send(std::array<net::const_buffer, 1>{net::buffer(kLastChunk)});
  }

  /// Arming is a flag and a counter: the readiness wait (an epoll_ctl, and a handler) starts
  /// only when the loop's sweeper finds the watch still armed a sweep later, 10 to 20 ms on.
  /// Most answers are written before that, and a disconnect is still seen within 20 ms.
  void watchClient(bool armed) override {
    if (armed == watch_->armed) {
      return;
    }
    watch_->armed = armed;
    if (armed) {
      armed_sweep_ = loop_.sweeps;
      ++loop_.armed;
      loop_.startSweeper();
    } else {
      --loop_.armed;
    }
  }

  /// Called by the sweeper: starts the wait of a watch armed since before the last sweep.
  void sweepWatch() {
    if (watch_->armed && !watch_->waiting && !watch_->left && armed_sweep_ + 1 < loop_.sweeps) {
      startWatch();
    }
  }

  bool clientLeft() const override { return watch_->left; }

  /// The slot the session coroutine is spawned with: the watch cancels through it.
  net::cancellation_slot cancellationSlot() { return watch_->signal.slot(); }
  /// Keeps the watch state (and its signal) alive for as long as `holder` lives.
  std::shared_ptr<void> watchState() const { return watch_; }

private:
  using RequestReader = MessageReader<true>;

  net::awaitable<void> sendSimpleError(const Error& error, std::string_view path, bool close);
  /// Reads until `reader` is ready, under `timeout`.
  net::awaitable<void> readMore(RequestReader& reader, std::chrono::milliseconds timeout);
  using RequestParser = bhttp::request_parser<bhttp::string_body>;
  /// Reads a request into `parser` (answering what cannot be read); false ends the connection.
  net::awaitable<bool> readRequest(RequestParser& parser);
  /// After the header was read with `ec`: sets path_, and returns the error to answer (then
  /// close), or nullopt to go on; `close` set means no answer at all.
  std::optional<Error> headerRefusal(const RequestParser& parser,
                                     const boost::system::error_code& ec, bool& close);
  /// Runs the handler of the request in `parser`; false ends the connection.
  net::awaitable<bool> dispatch(RequestParser& parser);
  void logAccess(const Request& req, std::string_view path, const RequestContext& ctx);

  tcp::socket socket_;
  /// When the pending read or write gives up (kNever while none is pending: the handler owns
  /// its deadlines). The loop's reaper closes the connection once it has passed.
  SteadyClock::time_point deadline_ = kNever;
  beast::flat_buffer buffer_;
  Server::Loop& loop_;
  const Router& router_;
  const ServerOptions& options_;
  std::atomic<int>& active_;
  std::list<Session*>::iterator it_;
  net::ip::address remote_;
  bool idle_ = true;
  bool keep_alive_ = true;
  bool linger_ = false;  ///< a request was refused unread: drain before closing
  std::string head_;  ///< the response head being written (kept: its capacity is reused)
  std::string path_;  ///< the current request's path, without its query
  std::uint64_t armed_sweep_ = 0;  ///< loop_.sweeps when the watch was last armed


  /// The disconnect watch: one readiness wait on the client socket, kept pending across
  /// arm/disarm. Shared with the wait's handler, which may run after the session is gone,
  /// and with the session coroutine's completion handler, which owns the signal's slot.
  struct Watch {
    net::cancellation_signal signal;
    bool alive = true;     ///< the session still exists
    bool armed = false;    ///< a handler await should be cut short by a disconnect
    bool waiting = false;  ///< a readiness wait is pending
    bool left = false;     ///< the client closed the connection
  };
  std::shared_ptr<Watch> watch_ = std::make_shared<Watch>();

  void startWatch();
};

namespace {

/// Runs `tick` every `interval` on `timer` for as long as it returns true; `running` says
/// whether a wait is pending, so that a second start does nothing.
template <class Tick>
void repeat(net::steady_timer& timer, bool& running, std::chrono::milliseconds interval,
            Tick tick) {
  if (running) {
    return;
  }
  running = true;
  timer.expires_after(interval);
  timer.async_wait([&timer, &running, interval,
                    tick = std::move(tick)](const boost::system::error_code& ec) mutable {
    running = false;
    if (!ec && tick()) {
      repeat(timer, running, interval, std::move(tick));
    }
  });
}

}  // namespace

void Server::Loop::startSweeper() {
  repeat(sweeper, sweeping, kWatchSweep, [this] {
    ++sweeps;
    for (Session* s : sessions) {
      s->sweepWatch();
    }
    return armed > 0;
  });
}

void Server::Loop::startReaper() {
  repeat(reaper, reaping, reap_interval, [this] {
    const auto now = SteadyClock::now();
    for (Session* s : sessions) {
      s->reap(now);
    }
    return !sessions.empty();
  });
}

void Session::startWatch() {
  watch_->waiting = true;
  socket_.async_wait(
      tcp::socket::wait_read, [this, w = watch_](const boost::system::error_code& ec) {
        w->waiting = false;
        if (!w->alive || ec || !w->armed) {
          // The session ended, the wait was cancelled with the socket, or nobody watches now
          // (typically the next request arriving): the next arm starts a fresh wait, which
          // sees a close that happened meanwhile.
          return;
        }
        char byte;
        const auto r =
            ::recv(socket_.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
        if (r > 0) {
          return;  // a pipelined request waits: the next read consumes it, stop watching
        }
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
          startWatch();
          return;
        }
        w->left = true;  // EOF or reset
        w->signal.emit(net::cancellation_type::terminal);
      });
}

net::awaitable<void> Session::sendSimpleError(const Error& error, std::string_view path,
                                              bool close) {
  linger_ = linger_ || close;
  const std::string body = json::serialize(errorBodyFor(path, error));
  ResponseHead head;
  head.status = static_cast<unsigned>(httpStatus(error));
  head.keep_alive = !close;
  head.add("Content-Type", "application/json");
  head.add("x-request-id", newRequestId());
  head.addContentLength(body.size());
  co_await writeResponse(head, body);
}

net::awaitable<void> Session::run() {
  // The watch cancels only the operation in flight; later awaits of the handler (its error
  // answer, its accounting) proceed instead of throwing.
  co_await net::this_coro::throw_if_cancelled(false);
  for (;;) {
    // Wait for the first byte of the next request under the keep-alive idle timeout, then
    // read the header under the (shorter) header timeout.
    idle_ = true;
    if (loop_.stopping) {
      break;
    }
    if (buffer_.size() == 0) {
      deadline_ = SteadyClock::now() + options_.idle_timeout;
      auto [ec, n] = co_await socket_.async_read_some(buffer_.prepare(4096), kTuple);
      deadline_ = kNever;
      if (ec) {
        break;
      }
      buffer_.commit(n);
    }
    idle_ = false;
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options_.max_header_bytes));
    parser.body_limit(options_.max_body_bytes);
    // Awaited into locals first: GCC 12 miscompiles `co_await` inside an `if` condition
    // (the coroutine is later resumed at an invalid suspend point: SIGILL). Two coroutines
    // rather than one: each frame stays small (see dispatch()).
    const bool read = co_await readRequest(parser);
    if (!read) {
      break;
    }
    const bool handled = co_await dispatch(parser);
    if (!handled || !keep_alive_ || loop_.stopping) {
      break;
    }
  }
  boost::system::error_code ec;
  socket_.shutdown(tcp::socket::shutdown_send, ec);
  if (linger_) {
    // Lingering close: after refusing a request whose body we did not read, closing with
    // unread input makes the kernel send RST, and the client may lose the error response
    // it has not read yet. Drain (bounded) until the client closes its side.
    deadline_ = SteadyClock::now() + kLingerTime;
    std::size_t drained = 0;
    char sink[4096];
    while (drained < kLingerBytes) {
      auto [rec, n] = co_await socket_.async_read_some(net::buffer(sink), kTuple);
      if (rec) {
        break;
      }
      drained += n;
    }
  }
}

net::awaitable<void> Session::readMore(RequestReader& reader, std::chrono::milliseconds timeout) {
  deadline_ = SteadyClock::now() + timeout;
  do {
    auto [ec, n] = co_await socket_.async_read_some(reader.space(), kTuple);
    reader.received(ec, n);
  } while (!reader.ready());
  deadline_ = kNever;
}

std::optional<Error> Session::headerRefusal(const RequestParser& parser,
                                            const boost::system::error_code& ec, bool& close) {
  path_.clear();
  if (ec == bhttp::error::header_limit) {
    return Error{ErrorCode::InvalidRequest, "request header too large"};
  }
  if (ec == bhttp::error::body_limit) {
    // The parser checks Content-Length against the body limit while it reads the header, so
    // an announced oversized body is refused here, before any of it is read.
    path_.assign(pathOf(parser.get().target()));
    return payloadTooLarge(options_.max_body_bytes);
  }
  if (ec) {
    // No answer to a connection that closed, broke or timed out (the reaper closed it).
    close = ec == bhttp::error::end_of_stream || ec == net::error::connection_reset ||
            ec == net::error::operation_aborted || ec == net::error::bad_descriptor;
    return Error::invalid("malformed HTTP request");
  }
  path_.assign(pathOf(parser.get().target()));  // into the capacity of the last one
  if (const auto len = parser.content_length(); len && *len > options_.max_body_bytes) {
    return payloadTooLarge(options_.max_body_bytes);
  }
  return std::nullopt;
}

net::awaitable<bool> Session::readRequest(RequestParser& parser) {
  // Refusals are decided by plain functions and answered by one await: each local and
  // temporary of a coroutine takes room in its frame (see dispatch()).
  bool close = false;
  std::optional<Error> refusal;
  {
    // Usually the whole request is buffered already: parsed without suspending.
    RequestReader reader(parser, buffer_, RequestReader::Part::Header);
    if (!reader.ready()) {
      co_await readMore(reader, options_.header_timeout);
    }
    refusal = headerRefusal(parser, reader.error(), close);
  }
  if (close) {
    co_return false;
  }
  if (!refusal && beast::iequals(parser.get()[bhttp::field::expect], "100-continue")) {
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    const bool sent = co_await send(std::array<net::const_buffer, 1>{net::buffer(kContinue)});
    if (!sent) {
      co_return false;
    }
  }
  if (!refusal) {
    RequestReader reader(parser, buffer_, RequestReader::Part::Whole);
    if (!reader.ready()) {
      co_await readMore(reader, options_.body_timeout);
    }
    if (reader.error() == bhttp::error::body_limit) {
      refusal = payloadTooLarge(options_.max_body_bytes);
    } else if (reader.error()) {
      co_return false;
    }
  }
  if (refusal) {
    co_await sendSimpleError(*refusal, path_, true);
    co_return false;
  }
  co_return true;
}

/// Apart from readRequest() and with its log line in logAccess(): GCC keeps every local and
/// temporary of a coroutine in its frame, and frames over 1 KiB are neither recycled by Asio
/// nor served by glibc's per-thread cache (one handleOne() frame was 2.5 KB, a slow malloc
/// every request).
net::awaitable<bool> Session::dispatch(RequestParser& parser) {
  Request req = parser.release();
  const std::string& path = path_;
  keep_alive_ = req.keep_alive();
  std::string incoming_id(req["x-request-id"]);
  RequestContext ctx(req, *this, validRequestId(incoming_id) ? incoming_id : newRequestId(),
                     remote_);
  std::vector<std::pair<std::string, std::string>> params;
  Router::Match match;
  const Handler* h = router_.find(req.method_string(), path, params, match);
  if (!h && match == Router::Match::NotFound && router_.fallback() &&
      (req.method() == bhttp::verb::get || req.method() == bhttp::verb::head)) {
    h = router_.fallback();
  }
  bool failed = false;
  try {
    if (h) {
      ctx.setParams(std::move(params));
      co_await (*h)(ctx);
    } else {
      const bool wrong_method = match == Router::Match::MethodNotAllowed;
      co_await ctx.sendJson(wrong_method ? 405 : 404, notRoutedBody(path, wrong_method));
    }
  } catch (const std::exception& e) {
    GW_LOG_ERROR("handler failed{}{}", log::kv("request_id", ctx.requestId()),
                 log::kv("error", e.what()));
    failed = true;
  }
  if (failed && ctx.responded()) {
    keep_alive_ = false;  // a half-sent response cannot be repaired
  }
  if (!ctx.responded()) {
    co_await ctx.sendJson(500, silentHandlerBody(path));
  }
  if (options_.access_log) {
    logAccess(req, path, ctx);
  }
  co_return !ctx.clientGone();
}

void Session::logAccess(const Request& req, std::string_view path, const RequestContext& ctx) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::steady_clock::now() - ctx.startedAt())
                      .count();
  std::string fields;
  for (const auto& [k, v] : ctx.logFields()) {
    fields += log::kv(k, v);
  }
  GW_LOG_INFO("access{}{}{}{}{}{}{}", log::kv("method", std::string_view(req.method_string())),
              log::kv("path", path), log::kv("status", static_cast<long long>(ctx.status())),
              log::kv("latency_ms", std::to_string(static_cast<double>(us) / 1000.0)),
              log::kv("remote", remote_.to_string()), log::kv("request_id", ctx.requestId()),
              fields);
}

Server::Server(ServerOptions options, const Router& router)
    : options_(std::move(options)), router_(router) {
  const unsigned n = options_.threads == 0 ? std::max(1u, std::thread::hardware_concurrency())
                                           : options_.threads;
  for (unsigned i = 0; i < n; ++i) {
    loops_.push_back(std::make_unique<Loop>(static_cast<int>(i), reapInterval(options_)));
  }
}

Server::~Server() {
  if (!threads_.empty() && !stopped_) {
    stop();
  }
}

net::io_context& Server::loop(std::size_t i) { return loops_.at(i)->ioc; }

int Server::currentLoopIndex() { return tl_loop_index; }

void Server::bind() {
  const auto address = net::ip::make_address(options_.host);
  unsigned short port = options_.port;
  for (auto& loop : loops_) {
    tcp::endpoint ep{address, port};
    loop->acceptor.open(ep.protocol());
    loop->acceptor.set_option(tcp::acceptor::reuse_address(true));
    const int one = 1;
    ::setsockopt(loop->acceptor.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    loop->acceptor.bind(ep);
    loop->acceptor.listen(net::socket_base::max_listen_connections);
    // With port 0 the first listener picks the port and the others share it.
    port = loop->acceptor.local_endpoint().port();
  }
  port_ = port;
}

namespace {

net::awaitable<void> acceptLoop(Server::Loop& loop, const Router& router,
                                const ServerOptions& options, std::atomic<int>& active) {
  for (;;) {
    auto [ec, socket] = co_await loop.acceptor.async_accept(kTuple);
    if (ec) {
      if (loop.stopping || ec == net::error::operation_aborted) {
        co_return;
      }
      continue;  // EMFILE and the like: keep serving the connections we have
    }
    socket.set_option(tcp::no_delay(true), ec);
    auto session = std::make_unique<Session>(std::move(socket), loop, router, options, active);
    auto slot = session->cancellationSlot();
    auto watch = session->watchState();
    // The completion handler holds the watch state: the signal behind `slot` outlives the
    // coroutine machinery that uses it.
    net::co_spawn(
        loop.ioc, [s = std::move(session)]() -> net::awaitable<void> { co_await s->run(); },
        net::bind_cancellation_slot(slot, [keep = std::move(watch)](std::exception_ptr) {}));
  }
}

}  // namespace

void Server::start() {
  for (auto& loop : loops_) {
    net::co_spawn(loop->ioc, acceptLoop(*loop, router_, options_, active_), net::detached);
  }
  for (auto& loop : loops_) {
    threads_.emplace_back([l = loop.get()] {
      tl_loop_index = l->index;
      auto guard = net::make_work_guard(l->ioc);
      l->ioc.run();
    });
  }
}

void Server::stop() {
  if (stopped_) {
    return;
  }
  stopped_ = true;
  if (threads_.empty()) {  // bound but never started: nothing runs on the loops
    for (auto& loop : loops_) {
      boost::system::error_code ec;
      loop->acceptor.close(ec);
    }
    return;
  }
  // Wait until every loop has closed its listener: with no connection open nothing else
  // waits below, and ioc.stop() could otherwise discard the posted close, leaving the
  // listener accepting connections nobody serves.
  std::vector<std::future<void>> closed;
  for (auto& loop : loops_) {
    auto done = std::make_shared<std::promise<void>>();
    closed.push_back(done->get_future());
    net::post(loop->ioc, [l = loop.get(), done] {
      l->stopping = true;
      boost::system::error_code ec;
      l->acceptor.close(ec);
      for (Session* s : l->sessions) {
        if (s->idle()) {
          s->close();
        }
      }
      done->set_value();
    });
  }
  for (auto& f : closed) {
    f.wait();
  }
  const auto deadline = std::chrono::steady_clock::now() + options_.shutdown_grace;
  while (active_.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  // Grace is over: close whatever is still open.
  for (auto& loop : loops_) {
    net::post(loop->ioc, [l = loop.get()] {
      for (Session* s : l->sessions) {
        s->close();
      }
    });
  }
  const auto hard = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (active_.load() > 0 && std::chrono::steady_clock::now() < hard) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  for (auto& loop : loops_) {
    loop->ioc.stop();
  }
  wait();
}

void Server::wait() {
  for (auto& t : threads_) {
    if (t.joinable()) {
      t.join();
    }
  }
}

}  // namespace gw::http
