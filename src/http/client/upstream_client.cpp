#include "http/client/upstream_client.hpp"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <stdexcept>
#include <unordered_map>
#include <variant>
#include <vector>

#include "core/crypto.hpp"
#include "core/text.hpp"
#include "http/client/url.hpp"
#include "http/message_io.hpp"

namespace gw::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;
using boost::system::error_code;
using SteadyClock = std::chrono::steady_clock;

namespace {

constexpr auto kTuple = net::as_tuple(net::use_awaitable);
constexpr std::size_t kHeaderLimit = 64 * 1024;
/// Distinct request URLs kept parsed per client (the cache starts over when full).
constexpr std::size_t kMaxParsedUrls = 256;
/// Body bytes handed out per stream read; one read brings at most the connection buffer's
/// capacity, so a larger piece would only cost memory (one per open stream).
constexpr std::size_t kPieceSize = 4 * 1024;
/// Initial read buffer of a connection.
constexpr std::size_t kReadBufferSize = 4 * 1024;

using TlsStream = beast::ssl_stream<beast::tcp_stream>;
using HeaderParser = bhttp::response_parser<bhttp::empty_body>;
using ResponseReader = MessageReader<false>;
using BodyParser = bhttp::response_parser<bhttp::string_body>;

/// One upstream connection, plain or TLS, with its read buffer (bytes past the current
/// response stay with the connection).
struct Connection {
  template <class S, class... Args>
  explicit Connection(std::in_place_type_t<S> type, Args&&... args)
      : stream(type, std::forward<Args>(args)...) {
    // Beast reads at most the buffer's free capacity (never less than 512 bytes): without
    // this a burst of SSE events costs one read, one parse and one client write per 512 bytes.
    buffer.reserve(kReadBufferSize);
  }

  std::variant<beast::tcp_stream, TlsStream> stream;
  beast::flat_buffer buffer;
  std::string pool_key;
  SteadyClock::time_point idle_since{};
  bool reused = false;

  beast::tcp_stream& tcp() {
    if (auto* tls = std::get_if<TlsStream>(&stream)) {
      return tls->next_layer();
    }
    return std::get<beast::tcp_stream>(stream);
  }

  /// Closes the socket at once (no TLS close_notify: the peer sees FIN or RST).
  void close() {
    error_code ignored;
    tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
    tcp().close();
  }

  /// Whether an idle connection still looks usable: open, nothing unread and no FIN/RST or
  /// stray bytes (e.g. a TLS close_notify) waiting in the socket.
  bool looksAlive() {
    auto& socket = tcp().socket();
    if (!socket.is_open() || buffer.size() != 0) {
      return false;
    }
    char byte = 0;
    const auto n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }
};
using ConnectionPtr = std::unique_ptr<Connection>;

/// Runs `f` on the connection's concrete stream type.
template <class F>
auto withStream(Connection& conn, F&& f) {
  if (auto* tls = std::get_if<TlsStream>(&conn.stream)) {
    return f(*tls);
  }
  return f(std::get<beast::tcp_stream>(conn.stream));
}

/// Reads from the connection until `reader` is ready, under the stream's expiry. Called
/// once `reader.ready()` said more input is needed.
net::awaitable<void> readMore(Connection& conn, ResponseReader& reader) {
  do {
    auto [ec, n] = co_await withStream(
        conn, [&](auto& s) { return s.async_read_some(reader.space(), kTuple); });
    reader.received(ec, n);
  } while (!reader.ready());
}

Error makeError(ErrorCode code, std::string message) {
  Error e;
  e.code = code;
  e.message = std::move(message);
  return e;
}

Error cancelledError() {
  return makeError(ErrorCode::UpstreamUnavailable, "upstream request cancelled");
}

/// Maps an I/O outcome of `stage` ("connect", "write", "read") against `host` to a gw::Error.
Error ioError(const error_code& ec, std::string_view stage, const std::string& host) {
  const std::string where = std::string(stage) + " (" + host + ")";
  if (ec == beast::error::timeout) {
    return makeError(ErrorCode::UpstreamTimeout, "upstream " + where + " timed out");
  }
  if (ec == net::error::operation_aborted) {
    return cancelledError();
  }
  if (ec == bhttp::error::body_limit) {
    return makeError(ErrorCode::UpstreamError, "upstream response body too large: " + host);
  }
  if (ec == bhttp::error::partial_message || ec == net::error::eof ||
      ec == bhttp::error::end_of_stream || ec == ssl::error::stream_truncated) {
    return makeError(ErrorCode::UpstreamUnavailable,
                     "upstream closed the connection during " + where);
  }
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_version).category()) {
    return makeError(ErrorCode::UpstreamError,
                     "malformed upstream response " + where + ": " + ec.message());
  }
  return makeError(ErrorCode::UpstreamUnavailable,
                   "upstream " + where + " failed: " + ec.message());
}

bool isCancelled(const net::cancellation_state& state) {
  return state.cancelled() != net::cancellation_type::none;
}

/// RFC 9110 token characters, as a table.
constexpr std::array<bool, 256> kTokenChars = [] {
  std::array<bool, 256> t{};
  for (int c = '0'; c <= '9'; ++c) {
    t[c] = true;
  }
  for (int c = 'a'; c <= 'z'; ++c) {
    t[c] = true;
    t[c - 32] = true;
  }
  for (const char c : std::string_view("!#$%&'*+-.^_`|~")) {
    t[static_cast<unsigned char>(c)] = true;
  }
  return t;
}();

bool isTokenChar(char c) { return kTokenChars[static_cast<unsigned char>(c)]; }

bool isToken(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), isTokenChar);
}

/// Headers the client owns; the request's own copies are dropped.
bool isManagedHeader(std::string_view name) {
  return iequalsAscii(name, "host") || iequalsAscii(name, "content-length") ||
         iequalsAscii(name, "transfer-encoding") || iequalsAscii(name, "connection") ||
         iequalsAscii(name, "accept-encoding") || iequalsAscii(name, "proxy-authorization");
}

/// Builds the request line and header block. `target` is origin-form, or absolute-form when
/// sending plain HTTP through a proxy.
Result<std::string> buildHead(const providers::UpstreamRequest& request, const ParsedUrl& url,
                              bool absolute_form, const std::string& proxy_authorization,
                              const ClientOptions& options) {
  if (!isToken(request.method)) {
    return Error::internal("invalid upstream request method");
  }
  std::size_t size = 128 + request.url.size() + options.user_agent.size();
  for (const auto& [name, value] : request.headers) {
    size += name.size() + value.size() + 4;
  }
  std::string head;
  head.reserve(size);
  head.append(request.method).append(" ");
  if (absolute_form) {
    head.append("http://").append(url.host_header);
  }
  head.append(url.target).append(" HTTP/1.1\r\nHost: ").append(url.host_header);
  head.append("\r\n");
  bool has_user_agent = false;
  for (const auto& [name, value] : request.headers) {
    if (!isToken(name) || hasHeaderBreak(value)) {
      return Error::internal("invalid upstream request header: " + name);
    }
    if (isManagedHeader(name)) {
      continue;
    }
    has_user_agent = has_user_agent || iequalsAscii(name, "user-agent");
    head.append(name).append(": ").append(value).append("\r\n");
  }
  if (!has_user_agent) {
    head.append("User-Agent: ").append(options.user_agent).append("\r\n");
  }
  head.append("Accept-Encoding: identity\r\n");
  if (!request.body.empty() || (request.method != "GET" && request.method != "HEAD")) {
    head.append("Content-Length: ").append(std::to_string(request.body.size())).append("\r\n");
  }
  if (absolute_form && !proxy_authorization.empty()) {
    head.append("Proxy-Authorization: ").append(proxy_authorization).append("\r\n");
  }
  head.append("\r\n");
  return head;
}

template <class Fields>
providers::Headers copyHeaders(const Fields& fields) {
  providers::Headers out;
  out.reserve(static_cast<std::size_t>(std::distance(fields.begin(), fields.end())));
  for (const auto& field : fields) {
    out.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Core: pool, DNS cache, connection set-up. Shared with live StreamResponses through weak_ptr
// so a stream may outlive its client.

struct UpstreamClient::Core {
  Core(net::any_io_executor ex, ssl::context& ctx, ClientOptions opts)
      : executor(std::move(ex)), tls(ctx), options(std::move(opts)) {
    if (options.https_proxy && !options.https_proxy->empty()) {
      auto parsed = parseProxyUrl(*options.https_proxy);
      if (!parsed) {
        throw std::runtime_error("invalid proxy URL: " + parsed.error().message);
      }
      if (parsed->origin.scheme != Scheme::Http) {
        throw std::runtime_error("only http:// proxies are supported");
      }
      if (!parsed->user.empty() || !parsed->password.empty()) {
        proxy_authorization =
            "Basic " + crypto::base64Encode(parsed->user + ":" + parsed->password);
      }
      proxy = std::move(parsed->origin);
    }
  }

  struct DnsEntry {
    std::shared_ptr<const std::vector<tcp::endpoint>> endpoints;
    SteadyClock::time_point expires;
  };

  net::any_io_executor executor;
  ssl::context& tls;
  ClientOptions options;
  std::optional<Origin> proxy;
  std::string proxy_authorization;
  std::unordered_map<std::string, std::vector<ConnectionPtr>> idle;
  std::unordered_map<std::string, DnsEntry> dns;
  /// Parsed request URLs by their text: adapters build the same few URLs over and over.
  std::unordered_map<std::string, std::shared_ptr<const ParsedUrl>> parsed_urls;
  ClientStats stats;

  /// `text` parsed, from the cache when it was parsed before. Shared: a request keeps its URL
  /// while the cache is cleared for another one.
  Result<std::shared_ptr<const ParsedUrl>> parsedUrl(const std::string& text) {
    if (auto it = parsed_urls.find(text); it != parsed_urls.end()) {
      return it->second;
    }
    auto url = parseUrl(text);
    if (!url) {
      return url.error();
    }
    if (parsed_urls.size() >= kMaxParsedUrls) {
      parsed_urls.clear();
    }
    auto shared = std::make_shared<const ParsedUrl>(std::move(*url));
    parsed_urls.emplace(text, shared);
    return shared;
  }

  bool viaProxy(const Origin& origin) const {
    return proxy && !isProxyExempt(origin.host, options.no_proxy);
  }

  /// The most recently used live idle connection to `key`, or null.
  ConnectionPtr takeIdle(const std::string& key) {
    auto it = idle.find(key);
    if (it == idle.end()) {
      return nullptr;
    }
    auto& stack = it->second;
    const auto now = SteadyClock::now();
    while (!stack.empty()) {
      ConnectionPtr conn = std::move(stack.back());
      stack.pop_back();
      // A connection parked a moment ago is taken as it is (ClientOptions::trust_idle_for).
      const auto idle_for = now - conn->idle_since;
      if (idle_for < options.idle_timeout &&
          (idle_for < options.trust_idle_for || conn->looksAlive())) {
        conn->reused = true;
        return conn;
      }
      conn->close();
    }
    return nullptr;
  }

  /// Parks a connection whose last response was read completely.
  void release(ConnectionPtr conn) {
    // Bytes past the response mean the exchange is out of step: never reuse such a connection.
    if (options.max_idle_per_origin == 0 || !conn->tcp().socket().is_open() ||
        conn->buffer.size() != 0) {
      conn->close();
      return;
    }
    conn->tcp().expires_never();
    const auto now = SteadyClock::now();
    conn->idle_since = now;
    auto& stack = idle[conn->pool_key];
    // The oldest connections sit at the front: drop the expired ones and any excess.
    std::size_t drop = 0;
    while (drop < stack.size() && (now - stack[drop]->idle_since >= options.idle_timeout ||
                                   stack.size() - drop >= options.max_idle_per_origin)) {
      stack[drop]->close();
      ++drop;
    }
    stack.erase(stack.begin(), stack.begin() + static_cast<std::ptrdiff_t>(drop));
    stack.push_back(std::move(conn));
  }

  net::awaitable<Result<std::shared_ptr<const std::vector<tcp::endpoint>>>> resolve(
      const Origin& hop, Deadline deadline) {
    if (hop.isIpLiteral()) {
      error_code ec;
      const auto address = net::ip::make_address(hop.host, ec);
      if (ec) {
        co_return makeError(ErrorCode::UpstreamUnavailable, "invalid address " + hop.host);
      }
      co_return std::make_shared<const std::vector<tcp::endpoint>>(
          1, tcp::endpoint(address, hop.port));
    }
    const std::string key = hop.authority();
    const auto now = SteadyClock::now();
    if (auto it = dns.find(key); it != dns.end()) {
      if (now < it->second.expires) {
        co_return it->second.endpoints;
      }
      dns.erase(it);
    }
    // The resolver has no per-operation timeout or cancellation: a timer and the coroutine's
    // cancellation slot cancel it instead.
    auto resolver = std::make_shared<tcp::resolver>(executor);
    net::steady_timer timer(executor, deadline.at);
    timer.async_wait([weak = std::weak_ptr<tcp::resolver>(resolver)](error_code ec) {
      if (!ec) {
        if (auto r = weak.lock()) {
          r->cancel();
        }
      }
    });
    auto state = co_await net::this_coro::cancellation_state;
    auto slot = state.slot();
    if (slot.is_connected()) {
      slot.assign([weak = std::weak_ptr<tcp::resolver>(resolver)](net::cancellation_type) {
        if (auto r = weak.lock()) {
          r->cancel();
        }
      });
    }
    auto [ec, results] =
        co_await resolver->async_resolve(hop.host, std::to_string(hop.port), kTuple);
    if (slot.is_connected()) {
      slot.clear();
    }
    timer.cancel();
    if (ec) {
      if (deadline.expired()) {
        co_return makeError(ErrorCode::UpstreamTimeout, "DNS lookup of " + hop.host + " timed out");
      }
      if (ec == net::error::operation_aborted) {
        co_return cancelledError();
      }
      co_return makeError(ErrorCode::UpstreamUnavailable,
                          "DNS lookup of " + hop.host + " failed: " + ec.message());
    }
    auto endpoints = std::make_shared<std::vector<tcp::endpoint>>();
    for (const auto& entry : results) {
      endpoints->push_back(entry.endpoint());
    }
    if (endpoints->empty()) {
      co_return makeError(ErrorCode::UpstreamUnavailable,
                          "DNS lookup of " + hop.host + " returned no address");
    }
    dns[key] = DnsEntry{endpoints, now + options.dns_ttl};
    co_return std::shared_ptr<const std::vector<tcp::endpoint>>(std::move(endpoints));
  }

  /// Opens an HTTP CONNECT tunnel to `origin` over a connection to the proxy.
  net::awaitable<Result<void>> tunnel(beast::tcp_stream& stream, const Origin& origin) {
    std::string request =
        "CONNECT " + origin.authority() + " HTTP/1.1\r\nHost: " + origin.authority() + "\r\n";
    if (!proxy_authorization.empty()) {
      request += "Proxy-Authorization: " + proxy_authorization + "\r\n";
    }
    request += "\r\n";
    auto [wec, written] = co_await net::async_write(stream, net::buffer(request), kTuple);
    if (wec) {
      co_return ioError(wec, "proxy CONNECT", proxy->host);
    }
    beast::flat_buffer buffer;
    HeaderParser parser;
    parser.skip(true);  // a 2xx answer to CONNECT has no body, whatever its headers say
    auto [rec, read] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
    if (rec) {
      co_return ioError(rec, "proxy CONNECT", proxy->host);
    }
    if (parser.get().result_int() / 100 != 2) {
      co_return makeError(ErrorCode::UpstreamUnavailable,
                          "proxy refused CONNECT to " + origin.authority() + ": HTTP " +
                              std::to_string(parser.get().result_int()));
    }
    if (buffer.size() != 0) {
      co_return makeError(ErrorCode::UpstreamUnavailable, "proxy sent data before the tunnel");
    }
    co_return Result<void>{};
  }

  net::awaitable<Result<void>> handshake(Connection& conn, const Origin& origin) {
    auto& stream = std::get<TlsStream>(conn.stream);
    SSL* ssl_handle = stream.native_handle();
    stream.set_verify_mode(ssl::verify_peer);
    if (origin.isIpLiteral()) {
      X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_handle), origin.host.c_str());
    } else {
      SSL_set_tlsext_host_name(ssl_handle, origin.host.c_str());
      SSL_set1_host(ssl_handle, origin.host.c_str());
    }
    auto [ec] = co_await stream.async_handshake(ssl::stream_base::client, kTuple);
    if (!ec) {
      co_return Result<void>{};
    }
    const long verify = SSL_get_verify_result(ssl_handle);
    if (verify != X509_V_OK) {
      co_return makeError(ErrorCode::UpstreamUnavailable,
                          "TLS certificate verification failed for " + origin.host + ": " +
                              X509_verify_cert_error_string(verify));
    }
    co_return ioError(ec, "TLS handshake", origin.host);
  }

  /// A new connection to `origin` (through the proxy when configured), TLS set up.
  net::awaitable<Result<ConnectionPtr>> connect(const Origin& origin, Deadline deadline) {
    const bool via_proxy = viaProxy(origin);
    const Origin& hop = via_proxy ? *proxy : origin;
    auto endpoints = co_await resolve(hop, deadline);
    if (!endpoints) {
      co_return endpoints.error();
    }
    beast::tcp_stream stream(executor);
    stream.expires_at(deadline.at);
    auto [ec, endpoint] = co_await stream.async_connect(**endpoints, kTuple);
    if (ec) {
      co_return ioError(ec, via_proxy ? "proxy connect" : "connect", hop.host);
    }
    error_code ignored;
    stream.socket().set_option(tcp::no_delay(true), ignored);
    // Plain requests are written at once when the socket takes them (see exchange()).
    stream.socket().non_blocking(true, ignored);
    if (via_proxy && origin.scheme == Scheme::Https) {
      auto tunnelled = co_await tunnel(stream, origin);
      if (!tunnelled) {
        stream.close();
        co_return tunnelled.error();
      }
    }
    ConnectionPtr conn;
    if (origin.scheme == Scheme::Https) {
      conn = std::make_unique<Connection>(std::in_place_type<TlsStream>, std::move(stream), tls);
      auto done = co_await handshake(*conn, origin);
      if (!done) {
        conn->close();
        co_return done.error();
      }
    } else {
      conn = std::make_unique<Connection>(std::in_place_type<beast::tcp_stream>, std::move(stream));
    }
    conn->pool_key = origin.key();
    ++stats.connections_opened;
    co_return std::move(conn);
  }

  /// A request ready to go: its parsed URL and its head.
  struct Prepared {
    std::shared_ptr<const ParsedUrl> url;
    std::string head;
  };

  /// The URL and head of `request`; apart from exchange() so that its locals stay out of that
  /// coroutine's frame (GCC keeps every local of a coroutine there, and a frame over 1 KiB is
  /// a slow malloc every request).
  Result<Prepared> prepare(const providers::UpstreamRequest& request) {
    auto parsed = parsedUrl(request.url);
    if (!parsed) {
      return parsed.error();
    }
    const bool absolute_form =
        (*parsed)->origin.scheme == Scheme::Http && viaProxy((*parsed)->origin);
    auto head = buildHead(request, **parsed, absolute_form, proxy_authorization, options);
    if (!head) {
      return head.error();
    }
    return Prepared{std::move(*parsed), std::move(*head)};
  }

  /// A sent request whose response header has arrived (into the caller's parser).
  struct Exchange {
    ConnectionPtr conn;
    std::string host;
  };

  /// Sets the body limit of a whole-body read, with room for an announced length; false when
  /// that length is over ClientOptions::max_response_bytes.
  bool sizeBody(BodyParser& parser) const {
    const std::size_t limit = options.max_response_bytes;
    const auto length = parser.content_length();
    if (length && *length > limit) {
      return false;
    }
    parser.body_limit(limit);
    if (length) {
      parser.get().body().reserve(static_cast<std::size_t>(*length));
    }
    return true;
  }

  /// The answer of send() once its body was read (or refused as too large) with `ec`: the
  /// connection goes back to the pool when the answer allows, else it is closed. Apart from
  /// send() so that its locals stay out of that coroutine's frame (see prepare()).
  Result<providers::UpstreamResponse> answer(Exchange&& ex, BodyParser& parser, bool fits,
                                             const error_code& ec) {
    if (!fits || ec) {
      ex.conn->close();
      if (!fits) {
        return makeError(ErrorCode::UpstreamError, "upstream response body too large: " + ex.host);
      }
      return ioError(ec, "read", ex.host);
    }
    providers::UpstreamResponse out;
    out.status = parser.get().result_int();
    out.headers = copyHeaders(parser.get());
    const bool keep_alive = parser.get().keep_alive();
    out.body = std::move(parser.get().body());
    if (keep_alive) {
      release(std::move(ex.conn));
    } else {
      ex.conn->close();
    }
    return out;
  }

  /// Sends the request (on a pooled connection when one is alive, re-sending once on a fresh
  /// one if the pooled one turns out dead before any response byte) and reads the header into
  /// `parser` (Beast parsers cannot move, so the caller owns it).
  net::awaitable<Result<Exchange>> exchange(const providers::UpstreamRequest& request,
                                            Deadline deadline, Deadline first_byte,
                                            std::optional<HeaderParser>& parser) {
    auto state = co_await net::this_coro::cancellation_state;
    if (isCancelled(state)) {
      co_return cancelledError();
    }
    auto prepared = prepare(request);
    if (!prepared) {
      co_return prepared.error();
    }
    const std::shared_ptr<const ParsedUrl>& url = prepared->url;
    const std::string& head = prepared->head;
    const std::string& key = url->pool_key;
    const Deadline connect_deadline =
        Deadline::earliest(deadline, Deadline::after(options.connect_timeout));
    for (int attempt = 0;; ++attempt) {
      ConnectionPtr conn = attempt == 0 ? takeIdle(key) : nullptr;
      if (!conn) {
        auto fresh = co_await connect(url->origin, connect_deadline);
        if (!fresh) {
          co_return fresh.error();
        }
        conn = std::move(*fresh);
      } else {
        ++stats.connections_reused;
      }
      const bool may_retry = conn->reused && attempt == 0;
      std::array<net::const_buffer, 2> buffers{net::buffer(head), net::buffer(request.body)};
      // Plain connections take the request at once as a rule; TLS always writes through its
      // stream.
      error_code wec = std::holds_alternative<TlsStream>(conn->stream)
                           ? error_code(net::error::would_block)
                           : writeNow(conn->tcp().socket(), buffers);
      if (wec == net::error::would_block) {
        conn->tcp().expires_at(deadline.at);
        auto [ec, written] = co_await withStream(
            *conn, [&](auto& s) { return net::async_write(s, buffers, kTuple); });
        wec = ec;
      }
      if (wec) {
        conn->close();
        if (may_retry && wec != beast::error::timeout && !isCancelled(state)) {
          ++stats.retries;
          continue;
        }
        co_return ioError(wec, "write", url->origin.host);
      }
      Exchange ex{std::move(conn), url->origin.host};
      parser.emplace();
      parser->header_limit(kHeaderLimit);
      parser->body_limit(boost::none);
      if (request.method == "HEAD") {
        parser->skip(true);
      }
      const Deadline header_deadline =
          Deadline::earliest(first_byte, Deadline::after(options.first_byte_timeout));
      ex.conn->tcp().expires_at(header_deadline.at);
      ResponseReader reader(*parser, ex.conn->buffer, ResponseReader::Part::Header);
      if (!reader.ready()) {
        co_await readMore(*ex.conn, reader);
      }
      if (const error_code& rec = reader.error()) {
        const bool nothing_received = !parser->got_some() && ex.conn->buffer.size() == 0;
        ex.conn->close();
        if (may_retry && nothing_received && rec != beast::error::timeout &&
            rec != net::error::operation_aborted && !isCancelled(state)) {
          ++stats.retries;
          continue;
        }
        co_return ioError(rec, "first byte", url->origin.host);
      }
      co_return std::move(ex);
    }
  }
};

// ---------------------------------------------------------------------------------------------
// StreamResponse

struct StreamResponse::Impl {
  Impl(std::weak_ptr<UpstreamClient::Core> owner, ConnectionPtr connection, HeaderParser&& header,
       std::string upstream_host, std::size_t limit)
      : core(std::move(owner)),
        conn(std::move(connection)),
        parser(std::move(header)),
        host(std::move(upstream_host)),
        max_bytes(limit) {
    status = parser.get().result_int();
    headers = copyHeaders(parser.get());
  }
  ~Impl() { finish(); }

  /// Returns the connection to the pool when the body is complete and keep-alive holds;
  /// closes it otherwise.
  void finish() {
    if (!conn) {
      return;
    }
    ConnectionPtr c = std::move(conn);
    if (parser.is_done() && parser.get().keep_alive()) {
      if (auto owner = core.lock()) {
        owner->release(std::move(c));
        return;
      }
    }
    c->close();
  }

  void fail() {
    if (conn) {
      conn->close();
      conn.reset();
    }
  }

  /// Reads the next decoded body bytes; empty at end of body.
  net::awaitable<Result<std::string_view>> readPiece(SteadyClock::time_point expiry) {
    if (!conn) {
      if (parser.is_done()) {
        co_return std::string_view{};
      }
      co_return makeError(ErrorCode::UpstreamUnavailable, "upstream stream is closed");
    }
    for (;;) {
      if (parser.is_done()) {
        finish();
        co_return std::string_view{};
      }
      auto& body = parser.get().body();
      body.data = piece.data();
      body.size = piece.size();
      conn->tcp().expires_at(expiry);
      auto [ec, n] = co_await withStream(
          *conn, [&](auto& s) { return bhttp::async_read_some(s, conn->buffer, parser, kTuple); });
      if (ec == bhttp::error::need_buffer) {
        ec = {};
      }
      if (ec) {
        fail();
        co_return ioError(ec, "stream read", host);
      }
      const std::size_t got = piece.size() - parser.get().body().size;
      if (got > 0) {
        co_return std::string_view(piece.data(), got);
      }
    }
  }

  std::weak_ptr<UpstreamClient::Core> core;
  ConnectionPtr conn;
  bhttp::response_parser<bhttp::buffer_body> parser;
  std::string host;
  std::size_t max_bytes;
  int status = 0;
  providers::Headers headers;
  std::array<char, kPieceSize> piece;
};

StreamResponse::StreamResponse() = default;
StreamResponse::StreamResponse(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
StreamResponse::StreamResponse(StreamResponse&&) noexcept = default;
StreamResponse& StreamResponse::operator=(StreamResponse&&) noexcept = default;
StreamResponse::~StreamResponse() = default;

int StreamResponse::status() const { return impl_ ? impl_->status : 0; }

const providers::Headers& StreamResponse::headers() const {
  static const providers::Headers kNone;
  return impl_ ? impl_->headers : kNone;
}

bool StreamResponse::done() const { return impl_ && impl_->parser.is_done(); }

net::awaitable<Result<std::string_view>> StreamResponse::next(
    std::chrono::milliseconds idle_timeout, Deadline total) {
  if (!impl_) {
    co_return makeError(ErrorCode::UpstreamUnavailable, "empty upstream stream");
  }
  const auto expiry = std::min(SteadyClock::now() + idle_timeout, total.at);
  try {
    co_return co_await impl_->readPiece(expiry);
  } catch (const boost::system::system_error&) {
    // A cancelled coroutine throws at its next await (Asio's throw_if_cancelled).
    impl_->fail();
    co_return cancelledError();
  }
}

net::awaitable<Result<std::string>> StreamResponse::readAll(Deadline deadline) {
  if (!impl_) {
    co_return makeError(ErrorCode::UpstreamUnavailable, "empty upstream stream");
  }
  std::string out;
  try {
    for (;;) {
      auto piece = co_await impl_->readPiece(deadline.at);
      if (!piece) {
        co_return piece.error();
      }
      if (piece->empty()) {
        co_return out;
      }
      if (out.size() + piece->size() > impl_->max_bytes) {
        impl_->fail();
        co_return makeError(ErrorCode::UpstreamError,
                            "upstream response body too large: " + impl_->host);
      }
      out.append(*piece);
    }
  } catch (const boost::system::system_error&) {
    impl_->fail();
    co_return cancelledError();
  }
}

// ---------------------------------------------------------------------------------------------
// UpstreamClient

UpstreamClient::UpstreamClient(net::any_io_executor executor, net::ssl::context& tls,
                               ClientOptions options)
    : core_(std::make_shared<Core>(std::move(executor), tls, std::move(options))) {}

UpstreamClient::~UpstreamClient() { closeIdle(); }

net::awaitable<Result<providers::UpstreamResponse>> UpstreamClient::send(
    const providers::UpstreamRequest& request, Deadline deadline) {
  // Keeps the core alive across the awaits even if the client is destroyed meanwhile.
  std::shared_ptr<Core> core = core_;
  try {
    // On the heap: with it, this frame would pass 1 KiB, which costs more than the allocation
    // (see Core::prepare()).
    auto header = std::make_unique<std::optional<HeaderParser>>();
    auto ex = co_await core->exchange(request, deadline, deadline, *header);
    if (!ex) {
      co_return ex.error();
    }
    BodyParser parser(std::move(**header));
    header.reset();
    const bool fits = core->sizeBody(parser);
    error_code ec;
    if (fits) {
      ex->conn->tcp().expires_at(deadline.at);
      ResponseReader reader(parser, ex->conn->buffer, ResponseReader::Part::Whole);
      if (!reader.ready()) {
        co_await readMore(*ex->conn, reader);  // the body usually came with the header
      }
      ec = reader.error();
    }
    co_return core->answer(std::move(*ex), parser, fits, ec);
  } catch (const boost::system::system_error&) {
    // A cancelled coroutine throws at its next await (Asio's throw_if_cancelled); the
    // connection, owned by a destroyed frame, is already closed.
    co_return cancelledError();
  }
}

net::awaitable<Result<StreamResponse>> UpstreamClient::openStream(
    const providers::UpstreamRequest& request, Deadline first_byte_deadline) {
  std::shared_ptr<Core> core = core_;
  try {
    std::optional<HeaderParser> header;
    auto ex = co_await core->exchange(request, first_byte_deadline, first_byte_deadline, header);
    if (!ex) {
      co_return ex.error();
    }
    auto impl = std::make_unique<StreamResponse::Impl>(core, std::move(ex->conn),
                                                       std::move(*header), std::move(ex->host),
                                                       core->options.max_response_bytes);
    impl->parser.body_limit(boost::none);
    co_return StreamResponse(std::move(impl));
  } catch (const boost::system::system_error&) {
    co_return cancelledError();
  }
}

std::size_t UpstreamClient::idleConnections() const {
  std::size_t n = 0;
  for (const auto& [key, stack] : core_->idle) {
    n += stack.size();
  }
  return n;
}

void UpstreamClient::closeIdle() {
  for (auto& [key, stack] : core_->idle) {
    for (auto& conn : stack) {
      conn->close();
    }
  }
  core_->idle.clear();
}

const ClientStats& UpstreamClient::stats() const { return core_->stats; }

const ClientOptions& UpstreamClient::options() const { return core_->options; }

// ---------------------------------------------------------------------------------------------
// Start-up helpers

void applyProxyEnvironment(ClientOptions& options) {
  auto read = [](const char* upper, const char* lower_name) -> std::optional<std::string> {
    for (const char* name : {upper, lower_name}) {
      if (const char* value = std::getenv(name); value != nullptr && *value != '\0') {
        return std::string(value);
      }
    }
    return std::nullopt;
  };
  if (auto proxy = read("HTTPS_PROXY", "https_proxy")) {
    options.https_proxy = std::move(proxy);
  }
  if (auto no_proxy = read("NO_PROXY", "no_proxy")) {
    options.no_proxy = std::move(*no_proxy);
  }
}

std::shared_ptr<net::ssl::context> makeClientTlsContext(const TlsClientOptions& options) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  ctx->set_verify_mode(ssl::verify_peer);
  error_code ec;
  if (options.system_ca) {
    ctx->set_default_verify_paths(ec);
    if (ec) {
      throw std::runtime_error("cannot load the system CA certificates: " + ec.message());
    }
  }
  if (!options.extra_ca_file.empty()) {
    ctx->load_verify_file(options.extra_ca_file, ec);
    if (ec) {
      throw std::runtime_error("cannot load CA file " + options.extra_ca_file + ": " +
                               ec.message());
    }
  }
  if (!options.extra_ca_pem.empty()) {
    ctx->add_certificate_authority(net::buffer(options.extra_ca_pem), ec);
    if (ec) {
      throw std::runtime_error("cannot load the extra CA certificate: " + ec.message());
    }
  }
  return ctx;
}

}  // namespace gw::http
