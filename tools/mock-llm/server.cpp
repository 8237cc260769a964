#include "server.hpp"

#include "providers.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>

#include <chrono>
#include <optional>
#include <thread>

namespace gw::mock {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;
using namespace net::experimental::awaitable_operators;
using std::chrono::milliseconds;

constexpr auto kTuple = net::as_tuple(net::use_awaitable);
constexpr std::size_t kBodyLimit = 64 * 1024 * 1024;
constexpr milliseconds kTrickleDelay{2};

std::int64_t nowMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

Plan notFound(const Incoming& in) {
  std::string msg = "Unknown request URL: ";
  msg += in.req.method_string();
  msg += ' ';
  msg += in.url.path();
  return openai::error(404, msg);
}

std::string join(const std::vector<std::string>& s, std::size_t from, std::size_t to) {
  std::string out;
  for (std::size_t i = from; i < to; ++i) {
    out += i == from ? "" : "/";
    out += s[i];
  }
  return out;
}

/// Maps a request to its provider endpoint. Paths follow each provider's real URL layout.
Plan route(Incoming& in) {
  const auto& s = in.segments;
  const bool post = in.req.method() == http::verb::post;
  const bool get = in.req.method() == http::verb::get;
  const std::size_t n = s.size();
  if (n == 0) {
    return notFound(in);
  }
  if (s[0] == "v1" && n >= 2) {
    if (post && n == 3 && s[1] == "chat" && s[2] == "completions") {
      return openai::chatCompletions(in, openai::Flavour::OpenAi);
    }
    if (post && n == 2 && s[1] == "completions") {
      return openai::completions(in, openai::Flavour::OpenAi);
    }
    if (post && n == 2 && s[1] == "embeddings") {
      return openai::embeddings(in, openai::Flavour::OpenAi);
    }
    if (post && n == 2 && s[1] == "messages") {
      return anthropic::messages(in);
    }
    if (post && n == 3 && s[1] == "messages" && s[2] == "count_tokens") {
      return anthropic::countTokens(in);
    }
    if (get && n == 2 && s[1] == "models") { // shared path: tell providers apart by headers
      if (!in.header("anthropic-version").empty() || !in.header("x-api-key").empty()) {
        return anthropic::listModels(in);
      }
      if (in.header("authorization").empty() &&
          (!in.header("x-goog-api-key").empty() || in.query("key"))) {
        return gemini::listModels(in);
      }
      return openai::listModels(in);
    }
  }
  if ((s[0] == "v1beta" || s[0] == "v1") && n >= 2 && s[1] == "models") {
    if (get && n == 2) {
      return gemini::listModels(in);
    }
    auto colon = n == 3 ? s[2].rfind(':') : std::string::npos;
    if (post && colon != std::string::npos) {
      return gemini::modelAction(in, std::string_view(s[2]).substr(0, colon),
                                 std::string_view(s[2]).substr(colon + 1));
    }
  }
  if (post && n >= 4 && s[0] == "openai" && s[1] == "deployments") {
    const std::string rest = join(s, 3, n);
    if (rest == "chat/completions") {
      return openai::chatCompletions(in, openai::Flavour::Azure);
    }
    if (rest == "completions") {
      return openai::completions(in, openai::Flavour::Azure);
    }
    if (rest == "embeddings") {
      return openai::embeddings(in, openai::Flavour::Azure);
    }
  }
  if (post && n >= 3 && s[0] == "model" &&
      (s[n - 1] == "converse" || s[n - 1] == "converse-stream")) {
    return bedrock::converse(in, join(s, 1, n - 1), s[n - 1] == "converse-stream");
  }
  return notFound(in);
}

/// Counts an in-flight streaming response for `/_mock/stats`.
class StreamGauge {
public:
  StreamGauge(Recorder& r, bool on) : r_(on ? &r : nullptr) {
    if (r_) {
      r_->streamStarted();
    }
  }
  ~StreamGauge() {
    if (r_) {
      r_->streamEnded();
    }
  }
  StreamGauge(const StreamGauge&) = delete;
  StreamGauge& operator=(const StreamGauge&) = delete;

private:
  Recorder* r_;
};

/// One client connection: reads requests, answers them per their Plan and Behaviour.
class Connection {
public:
  Connection(tcp::socket sock, Recorder& rec, ScenarioBook& scenarios)
      : sock_(std::move(sock)), rec_(rec), scenarios_(scenarios) {}

  net::awaitable<void> run() {
    boost::system::error_code ec;
    sock_.set_option(tcp::no_delay(true), ec);
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(64 * 1024);
      parser.body_limit(kBodyLimit);
      auto [ec1, n1] = co_await http::async_read_header(sock_, buf_, parser, kTuple);
      if (ec1) {
        break;
      }
      if (beast::iequals(parser.get()[http::field::expect], "100-continue")) {
        http::response<http::empty_body> cont{http::status::continue_, 11};
        auto [ec2, n2] = co_await http::async_write(sock_, cont, kTuple);
        if (ec2) {
          break;
        }
      }
      auto [ec3, n3] = co_await http::async_read(sock_, buf_, parser, kTuple);
      if (ec3) {
        break;
      }
      Request req = parser.release();
      const bool awaited1 = co_await serve(req);
      if (!awaited1) {
        break;
      }
    }
    if (sock_.is_open()) {
      sock_.shutdown(tcp::socket::shutdown_send, ec);
      sock_.close(ec);
    }
  }

private:
  /// Answers one request; false when the connection must not be reused.
  net::awaitable<bool> serve(Request& req) {
    auto url = boost::urls::parse_origin_form(req.target());
    if (!url) {
      co_return co_await writeFast(openai::error(400, "Invalid request target"), false, 0);
    }
    Incoming in(req, *url, scenarios_);
    if (!in.segments.empty() && in.segments[0] == "_mock") {
      co_return co_await writeFast(control(in), req.keep_alive(), 0);
    }
    Plan plan = route(in);
    const Behaviour& b = in.behaviour;
    if (b.fault == Fault::MalformedJson) {
      if (plan.streaming && !plan.malformed.empty()) {
        plan.frames.insert(plan.frames.begin() + 1, plan.malformed);
      } else if (!plan.streaming) {
        plan.body.resize(plan.body.size() / 2);
      }
    }
    if (b.fault == Fault::BadCrc && !plan.bad_crc.empty()) {
      plan.frames.insert(plan.frames.begin() + 1, plan.bad_crc);
    }
    const std::uint64_t id = record(req, plan, b);
    if (b.latency_ms > 0) {
      const bool gone = co_await waitOrPeerClose(milliseconds(b.latency_ms));
      if (gone) {
        rec_.markDisconnected(id);
        co_return false;
      }
    }
    if (b.fault == Fault::CloseBeforeHeaders) {
      boost::system::error_code ec;
      sock_.close(ec);
      co_return false;
    }
    const bool keep = req.keep_alive();
    const bool plain =
        b.fault == Fault::None || b.fault == Fault::MalformedJson || b.fault == Fault::BadCrc;
    if (plain && (!plan.streaming || b.chunk_delay_ms == 0)) {
      // Without delays a stream goes out in one write: SSE and event-stream parsers must not
      // depend on HTTP chunk boundaries, and this keeps benchmarks cheap.
      co_return co_await writeFast(std::move(plan), keep, id);
    }
    co_return co_await writeSlow(plan, b, keep, id);
  }

  std::uint64_t record(const Request& req, const Plan& plan, const Behaviour& b) {
    RecordedRequest r;
    r.method = std::string(req.method_string());
    r.target = std::string(req.target());
    for (const auto& f : req) {
      std::string name(f.name_string());
      for (auto& c : name) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
      r.headers.emplace_back(std::move(name), std::string(f.value()));
    }
    r.body = req.body();
    r.time_ms = nowMs();
    r.status = b.fault == Fault::CloseBeforeHeaders ? 0 : plan.status;
    r.streaming = plan.streaming;
    return rec_.add(std::move(r));
  }

  /// `/_mock/*`: the recording and scenario API for tests (never recorded itself).
  Plan control(Incoming& in) {
    const auto& s = in.segments;
    const std::string_view what = s.size() == 2 ? std::string_view(s[1]) : std::string_view{};
    const auto verb = in.req.method();
    const json::object cleared{{"cleared", true}};
    if (verb == http::verb::get && (what == "requests" || what == "stats")) {
      Plan p;
      p.body = what == "stats" ? rec_.statsJson() : rec_.requestsJson();
      return p;
    }
    if (verb == http::verb::delete_ && what == "requests") {
      rec_.clear();
      return jsonPlan(200, cleared);
    }
    if (verb == http::verb::delete_ && what == "scenarios") {
      scenarios_.clear();
      return jsonPlan(200, cleared);
    }
    return notFound(in);
  }

  /// Sleeps for `d` (forever when nullopt) while watching the socket, so a client that goes
  /// away during a delay or stall is seen at once. Returns true if the peer closed.
  net::awaitable<bool> waitOrPeerClose(std::optional<milliseconds> d) {
    net::steady_timer timer(sock_.get_executor());
    const auto until =
        d ? std::chrono::steady_clock::now() + *d : std::chrono::steady_clock::time_point::max();
    for (;;) {
      timer.expires_at(until);
      auto r =
          co_await (timer.async_wait(kTuple) || sock_.async_read_some(buf_.prepare(4096), kTuple));
      if (r.index() == 0) {
        co_return false;
      }
      auto [ec, n] = std::get<1>(r);
      if (ec) {
        co_return true;
      }
      buf_.commit(n); // a pipelined request: keep it for the next read
    }
  }

  static void fillHeaders(http::fields& f, const Plan& plan) {
    f.set(http::field::server, "mock-llm");
    f.set(http::field::content_type, plan.content_type);
    for (const auto& [name, value] : plan.headers) {
      f.set(name, value);
    }
  }

  net::awaitable<bool> writeFast(Plan plan, bool keep, std::uint64_t id) {
    http::response<http::string_body> res;
    res.result(plan.status);
    fillHeaders(res.base(), plan);
    res.keep_alive(keep);
    if (plan.streaming) {
      for (const auto& f : plan.frames) {
        res.body() += f;
      }
      res.chunked(true);
    } else {
      res.body() = std::move(plan.body);
      res.prepare_payload();
    }
    auto [ec, n] = co_await http::async_write(sock_, res, kTuple);
    if (ec && id != 0) {
      rec_.markDisconnected(id);
    }
    co_return !ec && keep;
  }

  net::awaitable<bool> writePiece(std::string_view data, bool chunked) {
    if (data.empty()) {
      co_return true; // an empty chunk would end the chunked body
    }
    boost::system::error_code ec;
    if (chunked) {
      std::tie(ec, std::ignore) =
          co_await net::async_write(sock_, http::make_chunk(net::buffer(data)), kTuple);
    } else {
      std::tie(ec, std::ignore) = co_await net::async_write(sock_, net::buffer(data), kTuple);
    }
    co_return !ec;
  }

  void resetConnection() {
    boost::system::error_code ec;
    sock_.set_option(net::socket_base::linger(true, 0), ec);
    sock_.close(ec);
  }

  /// Streaming responses and every fault that needs control over individual bytes.
  net::awaitable<bool> writeSlow(Plan& plan, const Behaviour& b, bool keep, std::uint64_t id) {
    http::response<http::empty_body> res;
    res.result(plan.status);
    fillHeaders(res.base(), plan);
    res.keep_alive(keep);
    const bool chunked = plan.streaming;
    if (chunked) {
      res.chunked(true);
    } else {
      res.content_length(plan.body.size());
      plan.frames = {std::move(plan.body)};
    }
    StreamGauge gauge(rec_, plan.streaming);
    http::response_serializer<http::empty_body> sr{res};
    auto [ec, n] = co_await http::async_write_header(sock_, sr, kTuple);
    if (ec) {
      rec_.markDisconnected(id);
      co_return false;
    }
    auto& frames = plan.frames;
    std::size_t limit = frames.size();
    if (b.fault == Fault::ResetMidStream) {
      if (!chunked) {
        co_await writePiece(std::string_view(frames[0]).substr(0, frames[0].size() / 2), false);
        resetConnection();
        co_return false;
      }
      limit = std::max<std::size_t>(1, frames.size() / 2);
    } else if (b.fault == Fault::Stall) {
      limit = chunked ? std::min<std::size_t>(1, frames.size()) : 0;
    }
    const milliseconds trickle =
        b.chunk_delay_ms > 0 ? milliseconds(b.chunk_delay_ms) : kTrickleDelay;
    for (std::size_t i = 0; i < limit; ++i) {
      if (b.fault == Fault::SlowTrickle) {
        for (std::size_t k = 0; k < frames[i].size(); ++k) {
          const bool written = co_await writePiece(std::string_view(frames[i]).substr(k, 1), chunked);
          bool gone = !written;
          if (!gone) {
            gone = co_await waitOrPeerClose(trickle);
          }
          if (gone) {
            rec_.markDisconnected(id);
            co_return false;
          }
        }
        continue;
      }
      if (i > 0 && b.chunk_delay_ms > 0 &&
          co_await waitOrPeerClose(milliseconds(b.chunk_delay_ms))) {
        rec_.markDisconnected(id);
        co_return false;
      }
      const bool awaited2 = co_await writePiece(frames[i], chunked);
      if (!awaited2) {
        rec_.markDisconnected(id);
        co_return false;
      }
    }
    if (b.fault == Fault::ResetMidStream) {
      resetConnection();
      co_return false;
    }
    if (b.fault == Fault::Stall) {
      co_await waitOrPeerClose(std::nullopt);
      rec_.markDisconnected(id);
      co_return false;
    }
    if (chunked) {
      auto [ec2, n2] = co_await net::async_write(sock_, http::make_chunk_last(), kTuple);
      if (ec2) {
        rec_.markDisconnected(id);
        co_return false;
      }
    }
    co_return keep;
  }

  tcp::socket sock_;
  beast::flat_buffer buf_;
  Recorder& rec_;
  ScenarioBook& scenarios_;
};

net::awaitable<void> runConnection(tcp::socket sock, Recorder& rec, ScenarioBook& scenarios) {
  Connection c(std::move(sock), rec, scenarios);
  co_await c.run();
}

net::awaitable<void> acceptLoop(tcp::acceptor& acceptor,
                                std::vector<std::unique_ptr<net::io_context>>& contexts,
                                Recorder& rec, ScenarioBook& scenarios) {
  for (std::size_t next = 0;; ++next) {
    net::io_context& target = *contexts[next % contexts.size()];
    tcp::socket sock(target);
    auto [ec] = co_await acceptor.async_accept(sock, kTuple);
    if (ec == net::error::operation_aborted || !acceptor.is_open()) {
      co_return;
    }
    if (ec) {
      continue; // e.g. EMFILE: keep serving the connections we have
    }
    // Unexpected exceptions end only their own connection.
    net::co_spawn(target, runConnection(std::move(sock), rec, scenarios),
                  [](const std::exception_ptr&) {});
  }
}

} // namespace

Server::Server(const std::string& host, unsigned short port, int threads)
    : contexts_([&] {
        std::vector<std::unique_ptr<net::io_context>> v;
        for (int i = 0; i < std::max(threads, 1); ++i) {
          v.push_back(std::make_unique<net::io_context>(1));
        }
        return v;
      }()),
      acceptor_(*contexts_[0]) {
  tcp::endpoint ep(net::ip::make_address(host), port);
  acceptor_.open(ep.protocol());
  acceptor_.set_option(tcp::acceptor::reuse_address(true));
  acceptor_.bind(ep);
  acceptor_.listen(net::socket_base::max_listen_connections);
}

Server::~Server() = default;

unsigned short Server::port() const { return acceptor_.local_endpoint().port(); }

void Server::run() {
  net::io_context& main = *contexts_[0];
  net::signal_set signals(main, SIGINT, SIGTERM);
  signals.async_wait([this](const boost::system::error_code&, int) {
    boost::system::error_code ec;
    acceptor_.close(ec);
    for (auto& c : contexts_) {
      c->stop();
    }
  });
  net::co_spawn(main, acceptLoop(acceptor_, contexts_, recorder_, scenarios_),
                [](const std::exception_ptr&) {});
  std::vector<std::thread> workers;
  std::vector<net::executor_work_guard<net::io_context::executor_type>> guards;
  for (std::size_t i = 1; i < contexts_.size(); ++i) {
    guards.push_back(net::make_work_guard(*contexts_[i]));
    workers.emplace_back([ctx = contexts_[i].get()] { ctx->run(); });
  }
  main.run();
  for (auto& c : contexts_) {
    c->stop();
  }
  for (auto& t : workers) {
    t.join();
  }
}

} // namespace gw::mock
