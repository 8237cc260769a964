#include "http/request_context.hpp"

#include <boost/beast/http/empty_body.hpp>

namespace gw::http {

std::string_view RequestContext::path() const {
  const std::string_view t = target();
  const auto q = t.find('?');
  return q == std::string_view::npos ? t : t.substr(0, q);
}

std::string_view RequestContext::query() const {
  const std::string_view t = target();
  const auto q = t.find('?');
  return q == std::string_view::npos ? std::string_view{} : t.substr(q + 1);
}

std::optional<std::string> percentDecode(std::string_view in, bool form) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) {
        return std::nullopt;
      }
      auto hex = [](char h) -> int {
        if (h >= '0' && h <= '9') return h - '0';
        if (h >= 'a' && h <= 'f') return h - 'a' + 10;
        if (h >= 'A' && h <= 'F') return h - 'A' + 10;
        return -1;
      };
      const int hi = hex(in[i + 1]);
      const int lo = hex(in[i + 2]);
      if (hi < 0 || lo < 0) {
        return std::nullopt;
      }
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && form) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string RequestContext::queryParam(std::string_view name) const {
  std::string_view q = query();
  while (!q.empty()) {
    const auto amp = q.find('&');
    const std::string_view pair = q.substr(0, amp);
    const auto eq = pair.find('=');
    const std::string_view key = pair.substr(0, eq);
    if (key == name) {
      const std::string_view value = eq == std::string_view::npos ? "" : pair.substr(eq + 1);
      return percentDecode(value, true).value_or("");
    }
    if (amp == std::string_view::npos) {
      break;
    }
    q.remove_prefix(amp + 1);
  }
  return {};
}

std::string_view RequestContext::header(std::string_view name) const {
  const auto it = request_.find(name);
  return it == request_.end() ? std::string_view{} : std::string_view(it->value());
}

std::string_view RequestContext::param(std::string_view name) const {
  for (const auto& [k, v] : params_) {
    if (k == name) {
      return v;
    }
  }
  return {};
}

template <class Message>
void RequestContext::decorate(Message& m) {
  m.set("x-request-id", request_id_);
  for (const auto& [k, v] : extra_headers_) {
    m.set(k, v);
  }
  m.keep_alive(request_.keep_alive());
}

net::awaitable<void> RequestContext::send(unsigned status, std::string body,
                                          std::string_view content_type) {
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(status), request_.version()};
  if (!content_type.empty()) {
    res.set(bhttp::field::content_type, content_type);
  }
  decorate(res);
  res.body() = std::move(body);
  res.prepare_payload();
  if (request_.method() == bhttp::verb::head) {
    // HEAD answers the GET header (its Content-Length included) and never a body: bytes
    // after the header would be read as the next response on a keep-alive connection.
    res.body().clear();
  }
  status_ = status;
  const bool written = co_await writer_.writeResponse(std::move(res));
  if (!written) {
    client_gone_ = true;
  }
}

net::awaitable<void> RequestContext::sendJson(unsigned status, const json::value& body) {
  co_await send(status, json::serialize(body), "application/json");
}

net::awaitable<void> RequestContext::sendNoContent() { co_await send(204, {}, {}); }

net::awaitable<bool> RequestContext::beginStream(unsigned status, std::string_view content_type) {
  bhttp::response<bhttp::empty_body> res{static_cast<bhttp::status>(status), request_.version()};
  res.set(bhttp::field::content_type, content_type);
  res.set(bhttp::field::cache_control, "no-cache");
  res.set("x-accel-buffering", "no");
  decorate(res);
  res.chunked(true);
  status_ = status;
  const bool ok = co_await writer_.writeStreamHeader(std::move(res));
  client_gone_ = !ok;
  co_return ok;
}

net::awaitable<bool> RequestContext::writeChunk(std::string_view data) {
  if (client_gone_) {
    co_return false;
  }
  const bool ok = co_await writer_.writeChunk(data);
  client_gone_ = !ok;
  co_return ok;
}

net::awaitable<bool> RequestContext::endStream() {
  if (client_gone_) {
    co_return false;
  }
  const bool ok = co_await writer_.writeLastChunk();
  client_gone_ = !ok;
  co_return ok;
}

}  // namespace gw::http
