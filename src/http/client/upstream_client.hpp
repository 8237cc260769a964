#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "http/client/deadline.hpp"
#include "providers/provider.hpp"

namespace boost::asio::ssl {
class context;
}  // namespace boost::asio::ssl

namespace gw::http {

namespace net = boost::asio;

/// Settings of an UpstreamClient. Plain data; copy freely.
struct ClientOptions {
  /// Bound on DNS + TCP connect + proxy CONNECT + TLS handshake of a new connection (also capped
  /// by the operation's own deadline).
  std::chrono::milliseconds connect_timeout{10'000};
  /// Bound on the wait for the response header after the request is written (also capped by the
  /// operation's deadline).
  std::chrono::milliseconds first_byte_timeout{60'000};
  /// How long an idle pooled connection is kept before it is closed instead of reused.
  std::chrono::milliseconds idle_timeout{60'000};
  /// How long resolved addresses of a host are reused.
  std::chrono::milliseconds dns_ttl{60'000};
  /// A pooled connection idle for less than this is reused without peeking at its socket
  /// first (one syscall saved per request under load); should the server have closed it
  /// meanwhile, the request is re-sent once on a fresh connection.
  std::chrono::milliseconds trust_idle_for{250};
  /// Idle connections kept per origin; more are closed on release. 0 disables pooling.
  std::size_t max_idle_per_origin = 32;
  /// Largest body send() and StreamResponse::readAll() accept (ErrorCode::UpstreamError beyond).
  std::size_t max_response_bytes = std::size_t{64} << 20;
  /// Proxy for every origin not exempted by `no_proxy`: "http://[user:pass@]host:port" or
  /// "host:port". https origins go through an HTTP CONNECT tunnel, http origins are sent to the
  /// proxy with an absolute-form request target.
  std::optional<std::string> https_proxy;
  /// NO_PROXY-style exemptions (see isProxyExempt in url.hpp); loopback is always exempt.
  std::string no_proxy;
  /// Sent as User-Agent unless the request carries its own.
  std::string user_agent = "llm-gateway/0.1";
};

/// Fills `options.https_proxy` and `options.no_proxy` from HTTPS_PROXY/https_proxy and
/// NO_PROXY/no_proxy when they are set and non-empty. Start-up only (reads the environment).
void applyProxyEnvironment(ClientOptions& options);

/// Trust settings of the shared client TLS context.
struct TlsClientOptions {
  bool system_ca = true;      ///< load the system's default CA paths
  std::string extra_ca_file;  ///< optional PEM file of extra trust anchors
  std::string extra_ca_pem;   ///< optional in-memory PEM of extra trust anchors (tests)
};

/// Builds the client TLS context: TLS 1.2+, peer verification on. Shared by every thread's
/// UpstreamClient (OpenSSL contexts are safe to share once configured). Start-up only: throws
/// std::runtime_error when a CA source cannot be loaded.
std::shared_ptr<net::ssl::context> makeClientTlsContext(const TlsClientOptions& options = {});

/// Counters of one client, for tests and metrics.
struct ClientStats {
  std::uint64_t connections_opened = 0;  ///< new TCP (+TLS) connections established
  std::uint64_t connections_reused = 0;  ///< requests sent on a pooled connection
  std::uint64_t retries = 0;             ///< requests re-sent after a stale pooled connection
};

/// An upstream response whose body is read piece by piece (SSE and other streams). Returned by
/// UpstreamClient::openStream once the status line and headers have arrived.
///
/// On destruction the connection goes back to its client's pool only if the body was read to
/// its end and the response allows keep-alive; otherwise it is closed, which is how an abandoned
/// stream cancels the upstream request at once.
///
/// @par Thread Safety
/// Not thread-safe; use it on the thread of the client that made it. One next()/readAll() at
/// a time. May outlive its UpstreamClient (its connection is then closed, not pooled).
class StreamResponse {
public:
  /// An empty response (status 0, no connection); next() reports an error.
  StreamResponse();
  StreamResponse(StreamResponse&&) noexcept;
  StreamResponse& operator=(StreamResponse&&) noexcept;
  ~StreamResponse();

  /// The HTTP status code (any status: non-2xx is not an error here).
  int status() const;
  /// The response headers in arrival order.
  const providers::Headers& headers() const;

  /// Reads the next piece of the decoded body (chunked framing removed). An empty view means
  /// the body is complete. The view stays valid until the next call or destruction.
  /// Fails with ErrorCode::UpstreamTimeout when no byte arrives within `idle_timeout` or when
  /// `total` passes, ErrorCode::UpstreamUnavailable when the connection breaks or the call is
  /// cancelled through its cancellation slot, ErrorCode::UpstreamError on malformed framing.
  /// Any failure closes the connection; later calls fail too.
  net::awaitable<Result<std::string_view>> next(std::chrono::milliseconds idle_timeout,
                                                Deadline total = Deadline::never());

  /// Reads the rest of the body into one string (for error bodies), bounded by `deadline` and
  /// by ClientOptions::max_response_bytes (ErrorCode::UpstreamError beyond).
  net::awaitable<Result<std::string>> readAll(Deadline deadline);

  /// Whether the body has been read to its end.
  bool done() const;

  struct Impl;

private:
  friend class UpstreamClient;
  explicit StreamResponse(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// HTTP/1.1 client for upstream providers: TLS with system CA verification and SNI, plain HTTP
/// for local servers, per-origin keep-alive pools, deadlines on every await, optional proxy.
///
/// Requests are sent with Host, Content-Length, `User-Agent: llm-gateway/0.1` (unless given)
/// and `Accept-Encoding: identity` (bodies are never decompressed); the request's own Host,
/// Content-Length, Transfer-Encoding, Connection and Accept-Encoding headers are ignored.
/// A request that fails on a reused pooled connection before any response byte arrived is
/// re-sent once on a fresh connection.
///
/// Every operation can be cancelled through the awaiting coroutine's cancellation slot (the
/// server's client-disconnect watch emits on it, see ResponseWriter::watchClient): it then
/// returns promptly with ErrorCode::UpstreamUnavailable and the connection is closed, never
/// pooled.
///
/// Errors: connection refused/reset, DNS and TLS failures (including certificate verification,
/// with the reason) are ErrorCode::UpstreamUnavailable; any passed deadline or timeout is
/// ErrorCode::UpstreamTimeout; oversized or malformed responses are ErrorCode::UpstreamError.
/// Non-2xx statuses are ordinary responses.
///
/// @par Thread Safety
/// One client per event-loop thread; not thread-safe. All calls must run on `executor`'s
/// thread. The request passed by reference must stay alive until the call completes.
class UpstreamClient {
public:
  /// `tls` must outlive the client; `executor` is the thread's event loop.
  UpstreamClient(net::any_io_executor executor, net::ssl::context& tls, ClientOptions options = {});
  ~UpstreamClient();
  UpstreamClient(const UpstreamClient&) = delete;
  UpstreamClient& operator=(const UpstreamClient&) = delete;

  /// Sends `request` and reads the whole response, everything bounded by `deadline` (the
  /// response header also by ClientOptions::first_byte_timeout).
  net::awaitable<Result<providers::UpstreamResponse>> send(
      const providers::UpstreamRequest& request, Deadline deadline);

  /// Sends `request` and returns once the response header has arrived, bounded by
  /// `first_byte_deadline` (and ClientOptions::first_byte_timeout). The body is then read with
  /// StreamResponse::next().
  net::awaitable<Result<StreamResponse>> openStream(const providers::UpstreamRequest& request,
                                                    Deadline first_byte_deadline);

  /// Idle pooled connections across all origins.
  std::size_t idleConnections() const;
  /// Closes every idle pooled connection (shutdown, tests).
  void closeIdle();
  /// Counters since construction.
  const ClientStats& stats() const;
  const ClientOptions& options() const;

  struct Core;

private:
  std::shared_ptr<Core> core_;
};

}  // namespace gw::http
