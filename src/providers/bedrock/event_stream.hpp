#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

/// AWS event-stream binary framing (`application/vnd.amazon.eventstream`), as used by Bedrock
/// ConverseStream. Wire format (big-endian), per
/// https://docs.aws.amazon.com/transcribe/latest/dg/event-stream.html :
///
///   total length (4) | headers length (4) | prelude CRC32 (4) | headers | payload | CRC32 (4)
///
/// The prelude CRC covers the first 8 bytes; the message CRC covers every byte before it.
/// A header is: name length (1) | name | value type (1) | value.
namespace gw::providers::bedrock::eventstream {

/// Header value types of the event-stream encoding.
enum class HeaderType : std::uint8_t {
  BoolTrue = 0,   ///< no value bytes
  BoolFalse = 1,  ///< no value bytes
  Byte = 2,       ///< 1 byte, signed
  Short = 3,      ///< 2 bytes, signed
  Int = 4,        ///< 4 bytes, signed
  Long = 5,       ///< 8 bytes, signed
  Bytes = 6,      ///< 2-byte length + bytes
  String = 7,     ///< 2-byte length + UTF-8
  Timestamp = 8,  ///< 8 bytes, milliseconds since the epoch
  Uuid = 9,       ///< 16 bytes
};

/// One header. `bytes` holds the value of Bytes/String/Uuid headers; `number` the value of
/// Byte/Short/Int/Long/Timestamp headers; booleans are carried by the type alone.
struct Header {
  std::string name;
  HeaderType type = HeaderType::String;
  std::string bytes;
  std::int64_t number = 0;

  static Header string(std::string name, std::string value);
};

/// One decoded (or to-be-encoded) message.
struct Message {
  std::vector<Header> headers;
  std::string payload;

  /// The value of a String header named `name`; nullptr when absent or of another type.
  const std::string* stringHeader(std::string_view name) const;
};

/// Largest message accepted: the event-stream limit (16 MiB payload + 128 KiB headers).
inline constexpr std::uint32_t kMaxMessageBytes = 16u * 1024u * 1024u + 128u * 1024u + 16u;
/// Fixed overhead of a message: prelude (8), prelude CRC (4), message CRC (4).
inline constexpr std::uint32_t kOverheadBytes = 16;

/// Encodes one message (used by tests and by the mock upstream). Values that do not fit their
/// type (a name over 255 bytes, a string over 65535 bytes, a UUID not 16 bytes) are truncated
/// or zero-padded; callers build valid headers.
std::string encodeMessage(const Message& message);

/// Incremental decoder: feed bytes in whatever pieces the network delivers; complete messages
/// come out in order. A CRC mismatch, an impossible length or a malformed header is an error
/// (ErrorCode::UpstreamError); after an error the decoder stays failed.
/// @par Thread Safety
/// Not thread-safe; one per stream.
class Decoder {
public:
  /// Appends every message completed by `bytes` to `out`.
  Result<void> feed(std::string_view bytes, std::vector<Message>& out);
  /// Bytes held for an incomplete message (non-zero at end of stream = truncated).
  std::size_t buffered() const { return buffer_.size() - offset_; }

private:
  Result<void> decodeOne(std::string_view frame, std::vector<Message>& out) const;

  std::string buffer_;
  std::size_t offset_ = 0;
  bool failed_ = false;
};

}  // namespace gw::providers::bedrock::eventstream
