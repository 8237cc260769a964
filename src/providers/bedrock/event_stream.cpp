#include "providers/bedrock/event_stream.hpp"

#include <algorithm>

#include "core/crypto.hpp"

namespace gw::providers::bedrock::eventstream {

namespace {

void putBigEndian(std::string& out, std::uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) {
    out.push_back(static_cast<char>((value >> (8 * i)) & 0xFFu));
  }
}

std::uint64_t getBigEndian(std::string_view in, std::size_t at, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) {
    v = (v << 8) | static_cast<unsigned char>(in[at + static_cast<std::size_t>(i)]);
  }
  return v;
}

std::int64_t signExtend(std::uint64_t v, int bytes) {
  if (bytes >= 8) {
    return static_cast<std::int64_t>(v);
  }
  const std::uint64_t sign = std::uint64_t{1} << (8 * bytes - 1);
  return static_cast<std::int64_t>((v ^ sign) - sign);
}

Error frameError(std::string message) {
  Error e;
  e.code = ErrorCode::UpstreamError;
  e.message = "bedrock event stream: " + std::move(message);
  return e;
}

/// Fixed value width of numeric and flag types; -1 for length-prefixed ones.
int fixedWidth(HeaderType t) {
  switch (t) {
    case HeaderType::BoolTrue:
    case HeaderType::BoolFalse: return 0;
    case HeaderType::Byte: return 1;
    case HeaderType::Short: return 2;
    case HeaderType::Int: return 4;
    case HeaderType::Long:
    case HeaderType::Timestamp: return 8;
    case HeaderType::Uuid: return 16;
    case HeaderType::Bytes:
    case HeaderType::String: return -1;
  }
  return -1;
}

Result<std::vector<Header>> decodeHeaders(std::string_view in) {
  std::vector<Header> headers;
  std::size_t at = 0;
  while (at < in.size()) {
    const std::size_t name_len = static_cast<unsigned char>(in[at++]);
    if (name_len == 0 || at + name_len + 1 > in.size()) {
      return frameError("malformed header name");
    }
    Header h;
    h.name.assign(in.substr(at, name_len));
    at += name_len;
    const auto raw_type = static_cast<unsigned char>(in[at++]);
    if (raw_type > static_cast<unsigned char>(HeaderType::Uuid)) {
      return frameError("unknown header value type " + std::to_string(raw_type));
    }
    h.type = static_cast<HeaderType>(raw_type);
    const int width = fixedWidth(h.type);
    if (width < 0) {
      if (at + 2 > in.size()) {
        return frameError("truncated header value length");
      }
      const auto len = static_cast<std::size_t>(getBigEndian(in, at, 2));
      at += 2;
      if (at + len > in.size()) {
        return frameError("truncated header value");
      }
      h.bytes.assign(in.substr(at, len));
      at += len;
    } else {
      const auto w = static_cast<std::size_t>(width);
      if (at + w > in.size()) {
        return frameError("truncated header value");
      }
      if (h.type == HeaderType::Uuid) {
        h.bytes.assign(in.substr(at, w));
      } else if (w > 0) {
        h.number = signExtend(getBigEndian(in, at, width), width);
      }
      at += w;
    }
    headers.push_back(std::move(h));
  }
  return headers;
}

}  // namespace

Header Header::string(std::string name, std::string value) {
  Header h;
  h.name = std::move(name);
  h.type = HeaderType::String;
  h.bytes = std::move(value);
  return h;
}

const std::string* Message::stringHeader(std::string_view name) const {
  for (const auto& h : headers) {
    if (h.type == HeaderType::String && h.name == name) {
      return &h.bytes;
    }
  }
  return nullptr;
}

std::string encodeMessage(const Message& message) {
  std::string headers;
  for (const auto& h : message.headers) {
    const std::size_t name_len = std::min<std::size_t>(h.name.size(), 255);
    headers.push_back(static_cast<char>(name_len));
    headers.append(h.name, 0, name_len);
    headers.push_back(static_cast<char>(h.type));
    const int width = fixedWidth(h.type);
    if (width < 0) {
      const std::size_t len = std::min<std::size_t>(h.bytes.size(), 65535);
      putBigEndian(headers, len, 2);
      headers.append(h.bytes, 0, len);
    } else if (h.type == HeaderType::Uuid) {
      std::string uuid = h.bytes.substr(0, 16);
      uuid.resize(16, '\0');
      headers += uuid;
    } else if (width > 0) {
      putBigEndian(headers, static_cast<std::uint64_t>(h.number), width);
    }
  }
  const auto total = static_cast<std::uint32_t>(kOverheadBytes + headers.size() +
                                                message.payload.size());
  std::string out;
  out.reserve(total);
  putBigEndian(out, total, 4);
  putBigEndian(out, headers.size(), 4);
  putBigEndian(out, crypto::crc32(out), 4);
  out += headers;
  out += message.payload;
  putBigEndian(out, crypto::crc32(out), 4);
  return out;
}

Result<void> Decoder::feed(std::string_view bytes, std::vector<Message>& out) {
  if (failed_) {
    return frameError("decoder already failed");
  }
  buffer_.append(bytes);
  while (buffered() >= 12) {
    const std::string_view rest = std::string_view(buffer_).substr(offset_);
    const auto total = static_cast<std::uint32_t>(getBigEndian(rest, 0, 4));
    const auto headers_len = static_cast<std::uint32_t>(getBigEndian(rest, 4, 4));
    const auto prelude_crc = static_cast<std::uint32_t>(getBigEndian(rest, 8, 4));
    if (crypto::crc32(rest.substr(0, 8)) != prelude_crc) {
      failed_ = true;
      return frameError("prelude CRC mismatch");
    }
    if (total < kOverheadBytes || total > kMaxMessageBytes ||
        headers_len > total - kOverheadBytes) {
      failed_ = true;
      return frameError("bad message length " + std::to_string(total) + " (headers " +
                        std::to_string(headers_len) + ")");
    }
    if (rest.size() < total) {
      break;  // wait for the rest of the message
    }
    auto r = decodeOne(rest.substr(0, total), out);
    if (!r) {
      failed_ = true;
      return r;
    }
    offset_ += total;
  }
  // Compact once the consumed prefix dominates, so the buffer does not grow without bound.
  if (offset_ > 0 && offset_ * 2 >= buffer_.size()) {
    buffer_.erase(0, offset_);
    offset_ = 0;
  }
  return {};
}

Result<void> Decoder::decodeOne(std::string_view frame, std::vector<Message>& out) const {
  const std::size_t total = frame.size();
  const auto headers_len = static_cast<std::size_t>(getBigEndian(frame, 4, 4));
  const auto message_crc = static_cast<std::uint32_t>(getBigEndian(frame, total - 4, 4));
  if (crypto::crc32(frame.substr(0, total - 4)) != message_crc) {
    return frameError("message CRC mismatch");
  }
  auto headers = decodeHeaders(frame.substr(12, headers_len));
  if (!headers) {
    return headers.error();
  }
  Message m;
  m.headers = std::move(*headers);
  m.payload.assign(frame.substr(12 + headers_len, total - kOverheadBytes - headers_len));
  out.push_back(std::move(m));
  return {};
}

}  // namespace gw::providers::bedrock::eventstream
