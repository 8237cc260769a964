#include "http/request_context.hpp"

#include <charconv>

#include "core/text.hpp"

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

void ResponseHead::add(std::string_view name, std::string_view value) {
  if (hasHeaderBreak(value)) {
    return;
  }
  fields.append(name).append(": ").append(value).append("\r\n");
}

void ResponseHead::addContentLength(std::size_t size) {
  char digits[20];
  const auto end = std::to_chars(digits, digits + sizeof digits, size).ptr;
  add("Content-Length", std::string_view(digits, static_cast<std::size_t>(end - digits)));
}

void appendWireHead(std::string& out, const ResponseHead& head, bool keep_alive) {
  const unsigned status = head.status;
  const std::string_view reason = bhttp::obsolete_reason(static_cast<bhttp::status>(status));
  out.reserve(out.size() + 32 + reason.size() + head.fields.size());
  out += head.version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  out += static_cast<char>('0' + status / 100 % 10);
  out += static_cast<char>('0' + status / 10 % 10);
  out += static_cast<char>('0' + status % 10);
  out += ' ';
  out += reason;
  out += "\r\n";
  out += head.fields;
  if (head.version == 10 && keep_alive) {
    out += "Connection: keep-alive\r\n";
  } else if (head.version != 10 && !keep_alive) {
    out += "Connection: close\r\n";
  }
  out += "\r\n";
}

ResponseHead RequestContext::headFor(unsigned status, std::string_view content_type) const {
  ResponseHead head;
  head.status = status;
  head.version = request_.version();
  head.keep_alive = request_.keep_alive();
  head.fields.reserve(192);
  // Whether an added header from index `from` on replaces `name`.
  const auto replaced = [&](std::string_view name, std::size_t from) {
    for (std::size_t i = from; i < extra_headers_.size(); ++i) {
      if (iequalsAscii(extra_headers_[i].first, name)) {
        return true;
      }
    }
    return false;
  };
  if (!content_type.empty() && !replaced("content-type", 0)) {
    head.add("Content-Type", content_type);
  }
  if (!replaced("x-request-id", 0)) {
    head.add("x-request-id", request_id_);
  }
  for (std::size_t i = 0; i < extra_headers_.size(); ++i) {
    if (!replaced(extra_headers_[i].first, i + 1)) {
      head.add(extra_headers_[i].first, extra_headers_[i].second);
    }
  }
  return head;
}

net::awaitable<void> RequestContext::send(unsigned status, std::string body,
                                          std::string_view content_type) {
  ResponseHead head = headFor(status, content_type);
  // No body, and so no length, for 1xx, 204 and 304 (RFC 9110 8.6).
  const bool bodiless = status < 200 || status == 204 || status == 304;
  if (!bodiless) {
    head.addContentLength(body.size());
  }
  if (bodiless || request_.method() == bhttp::verb::head) {
    // HEAD answers the GET header (its Content-Length included) and never a body: bytes
    // after the header would be read as the next response on a keep-alive connection.
    body.clear();
  }
  status_ = status;
  const bool written = co_await writer_.writeResponse(head, body);
  if (!written) {
    client_gone_ = true;
  }
}

net::awaitable<void> RequestContext::sendJson(unsigned status, const json::value& body) {
  co_await send(status, json::serialize(body), "application/json");
}

net::awaitable<void> RequestContext::sendNoContent() { co_await send(204, {}, {}); }

net::awaitable<bool> RequestContext::beginStream(unsigned status, std::string_view content_type) {
  ResponseHead head = headFor(status, content_type);
  head.add("Cache-Control", "no-cache");
  head.add("x-accel-buffering", "no");
  head.add("Transfer-Encoding", "chunked");
  status_ = status;
  const bool ok = co_await writer_.writeStreamHeader(head);
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
