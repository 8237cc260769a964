#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/json.hpp"

namespace gw::http {

namespace net = boost::asio;
namespace bhttp = boost::beast::http;

using Request = bhttp::request<bhttp::string_body>;

/// A response's status and header fields as a request context builds them. The connection adds
/// what it owns (the Connection field, the blank line) and writes it: no Beast message, whose
/// per-field allocations and serializer cost more than the rest of a small answer.
struct ResponseHead {
  unsigned status = 200;
  unsigned version = 11;  ///< 10 or 11, as Beast counts (HTTP/1.0, HTTP/1.1)
  bool keep_alive = true;
  std::string fields;  ///< "Name: value\r\n" per field, in order

  /// Appends a field. A value holding CR, LF or NUL is dropped: it would split the header.
  void add(std::string_view name, std::string_view value);
  /// Appends `Content-Length: <size>`.
  void addContentLength(std::size_t size);
};

/// Appends the wire form of `head` to `out`: status line, fields, the Connection field that
/// `keep_alive` needs for the head's version, and the blank line.
void appendWireHead(std::string& out, const ResponseHead& head, bool keep_alive);

/// The connection side of a request: how a response goes out. Implemented by the server's
/// session; tests may fake it.
class ResponseWriter {
public:
  virtual ~ResponseWriter() = default;
  /// Writes a complete response. Returns false when the client is gone. Both arguments must
  /// stay alive until the returned awaitable completes.
  virtual net::awaitable<bool> writeResponse(const ResponseHead& head, std::string_view body) = 0;
  /// Writes the head of a chunked response (its fields include Transfer-Encoding: chunked).
  virtual net::awaitable<bool> writeStreamHeader(const ResponseHead& head) = 0;
  /// Writes one chunk of a chunked response.
  virtual net::awaitable<bool> writeChunk(std::string_view data) = 0;
  /// Ends a chunked response.
  virtual net::awaitable<bool> writeLastChunk() = 0;
  /// Arms (or disarms) the watch for the client's disconnect. While armed, a client that
  /// closes the connection cancels (terminal cancellation) whatever the handler is awaiting:
  /// an upstream call then ends. Arming costs no syscall: the server starts its one readiness
  /// wait per connection only for a watch still armed 10-20 ms later, so a disconnect is seen
  /// within about 20 ms and quick answers never start one.
  virtual void watchClient(bool armed) {}
  /// True once the watch saw the client close the connection (EOF or reset).
  virtual bool clientLeft() const { return false; }
};

/// One request as a handler sees it, and its way to answer. Lives for the duration of the
/// handler call on the connection's event-loop thread.
/// @par Thread Safety
/// Not thread-safe; use only on the connection's thread.
class RequestContext {
public:
  RequestContext(Request& request, ResponseWriter& writer, std::string request_id,
                 net::ip::address remote)
      : request_(request), writer_(writer), request_id_(std::move(request_id)),
        remote_(std::move(remote)), started_(std::chrono::steady_clock::now()) {}

  const Request& request() const { return request_; }
  Request& mutableRequest() { return request_; }
  std::string_view method() const { return request_.method_string(); }
  std::string_view target() const { return request_.target(); }
  /// The path without the query string.
  std::string_view path() const;
  /// The raw query string (after '?'), empty when none.
  std::string_view query() const;
  /// A query parameter, percent-decoded; empty when absent.
  std::string queryParam(std::string_view name) const;
  std::string_view header(std::string_view name) const;
  std::string_view body() const { return request_.body(); }
  const std::string& requestId() const { return request_id_; }
  const net::ip::address& remoteAddress() const { return remote_; }
  std::chrono::steady_clock::time_point startedAt() const { return started_; }

  /// Path parameters set by the router (":id" -> "42").
  std::string_view param(std::string_view name) const;
  void setParams(std::vector<std::pair<std::string, std::string>> params) {
    params_ = std::move(params);
  }

  /// Adds a header to whatever response is sent next.
  void addHeader(std::string name, std::string value) {
    extra_headers_.emplace_back(std::move(name), std::move(value));
  }

  /// Removes the headers named `name` (as given to addHeader) not yet sent.
  void removeHeader(std::string_view name) {
    std::erase_if(extra_headers_, [&](const auto& h) { return h.first == name; });
  }

  /// Sends a complete response.
  net::awaitable<void> send(unsigned status, std::string body, std::string_view content_type);
  net::awaitable<void> sendJson(unsigned status, const json::value& body);
  /// Sends 204 No Content.
  net::awaitable<void> sendNoContent();

  /// Starts a chunked response (e.g. SSE). Returns false when the client is gone.
  net::awaitable<bool> beginStream(unsigned status, std::string_view content_type);
  net::awaitable<bool> writeChunk(std::string_view data);
  net::awaitable<bool> endStream();
  /// See ResponseWriter::watchClient: arm around the awaits a disconnect should cut short.
  void watchClient(bool armed) { writer_.watchClient(armed); }
  /// True once an armed watch saw the client close the connection.
  bool clientLeft() const { return writer_.clientLeft(); }

  bool responded() const { return status_ != 0; }
  /// True once any response byte was handed to the connection (no retry after this).
  bool responseStarted() const { return status_ != 0; }
  unsigned status() const { return status_; }
  bool clientGone() const { return client_gone_; }

  /// Fields for the access-log line (model, provider, tokens, ...).
  void logField(std::string key, std::string value) {
    log_fields_.emplace_back(std::move(key), std::move(value));
  }
  const std::vector<std::pair<std::string, std::string>>& logFields() const { return log_fields_; }

private:
  /// A head for `status` with the request's version and keep-alive, `content_type` (when not
  /// empty), the request id and the added headers; a later field of the same name wins.
  ResponseHead headFor(unsigned status, std::string_view content_type) const;

  Request& request_;
  ResponseWriter& writer_;
  std::string request_id_;
  net::ip::address remote_;
  std::chrono::steady_clock::time_point started_;
  std::vector<std::pair<std::string, std::string>> params_;
  std::vector<std::pair<std::string, std::string>> extra_headers_;
  std::vector<std::pair<std::string, std::string>> log_fields_;
  unsigned status_ = 0;
  bool client_gone_ = false;
};

/// Arms the client-disconnect watch of a request for its scope (RequestContext::watchClient).
class ClientWatch {
public:
  explicit ClientWatch(RequestContext& rc) : rc_(rc) { rc_.watchClient(true); }
  ~ClientWatch() { rc_.watchClient(false); }
  ClientWatch(const ClientWatch&) = delete;
  ClientWatch& operator=(const ClientWatch&) = delete;

private:
  RequestContext& rc_;
};

/// Percent-decodes a URL component ('+' as space when `form` is set). nullopt on bad escapes.
std::optional<std::string> percentDecode(std::string_view in, bool form = false);

}  // namespace gw::http
