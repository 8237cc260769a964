// AWS event-stream framing: known encodings, every header type, byte-by-byte feeding and the
// ways a frame can be broken.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/crypto.hpp"
#include "providers/bedrock/event_stream.hpp"

namespace gw::providers::bedrock::eventstream {
namespace {

std::string bytes(std::initializer_list<int> values) {
  std::string s;
  for (int v : values) {
    s.push_back(static_cast<char>(v));
  }
  return s;
}

Message sampleMessage() {
  Message m;
  m.headers.push_back(Header::string(":event-type", "contentBlockDelta"));
  Header t;
  t.name = "t";
  t.type = HeaderType::BoolTrue;
  m.headers.push_back(t);
  Header f;
  f.name = "f";
  f.type = HeaderType::BoolFalse;
  m.headers.push_back(f);
  for (auto [type, value] : {std::pair{HeaderType::Byte, std::int64_t{-7}},
                             std::pair{HeaderType::Short, std::int64_t{-1234}},
                             std::pair{HeaderType::Int, std::int64_t{123456789}},
                             std::pair{HeaderType::Long, std::int64_t{-9876543210}},
                             std::pair{HeaderType::Timestamp, std::int64_t{1700000000000}}}) {
    Header h;
    h.name = "n" + std::to_string(static_cast<int>(type));
    h.type = type;
    h.number = value;
    m.headers.push_back(h);
  }
  Header b;
  b.name = "bin";
  b.type = HeaderType::Bytes;
  b.bytes = std::string("\x00\x01\xff", 3);
  m.headers.push_back(b);
  Header u;
  u.name = "uuid";
  u.type = HeaderType::Uuid;
  u.bytes = "0123456789abcdef";
  m.headers.push_back(u);
  m.payload = R"({"contentBlockIndex":0,"delta":{"text":"Hi"}})";
  return m;
}

void expectSame(const Message& a, const Message& b) {
  ASSERT_EQ(a.headers.size(), b.headers.size());
  for (std::size_t i = 0; i < a.headers.size(); ++i) {
    EXPECT_EQ(a.headers[i].name, b.headers[i].name) << i;
    EXPECT_EQ(a.headers[i].type, b.headers[i].type) << i;
    EXPECT_EQ(a.headers[i].bytes, b.headers[i].bytes) << i;
    EXPECT_EQ(a.headers[i].number, b.headers[i].number) << i;
  }
  EXPECT_EQ(a.payload, b.payload);
}

TEST(EventStreamEncode, MatchesAKnownFrameWithoutHeaders) {
  Message m;
  m.payload = R"({"foo": "bar"})";
  const std::string expected =
      bytes({0, 0, 0, 30, 0, 0, 0, 0, 186, 242, 246, 138}) + m.payload + bytes({174, 114, 88, 228});
  EXPECT_EQ(encodeMessage(m), expected);
}

TEST(EventStreamEncode, MatchesAKnownFrameWithAStringHeader) {
  Message m;
  m.headers.push_back(Header::string("content-type", "application/json"));
  m.payload = R"({"foo": "bar"})";
  const std::string expected = bytes({0, 0, 0, 62, 0, 0, 0, 32, 64, 93, 249, 70, 12}) +
                               "content-type" + bytes({7, 0, 16}) + "application/json" +
                               m.payload + bytes({111, 162, 191, 59});
  EXPECT_EQ(encodeMessage(m), expected);
}

TEST(EventStreamDecode, RoundTripsEveryHeaderType) {
  const Message m = sampleMessage();
  Decoder d;
  std::vector<Message> out;
  ASSERT_TRUE(d.feed(encodeMessage(m), out));
  ASSERT_EQ(out.size(), 1u);
  expectSame(out[0], m);
  EXPECT_EQ(d.buffered(), 0u);
  ASSERT_NE(out[0].stringHeader(":event-type"), nullptr);
  EXPECT_EQ(*out[0].stringHeader(":event-type"), "contentBlockDelta");
  EXPECT_EQ(out[0].stringHeader("bin"), nullptr);  // not a string header
}

TEST(EventStreamDecode, SplitAtEveryByteBoundary) {
  Message second;
  second.headers.push_back(Header::string(":message-type", "event"));
  second.payload = "{}";
  const std::string a = encodeMessage(sampleMessage());
  const std::string wire = a + encodeMessage(second);
  for (std::size_t cut = 0; cut <= wire.size(); ++cut) {
    Decoder d;
    std::vector<Message> out;
    ASSERT_TRUE(d.feed(std::string_view(wire).substr(0, cut), out)) << cut;
    EXPECT_EQ(out.size(), cut >= wire.size() ? 2u : (cut >= a.size() ? 1u : 0u)) << cut;
    ASSERT_TRUE(d.feed(std::string_view(wire).substr(cut), out)) << cut;
    ASSERT_EQ(out.size(), 2u) << cut;
    expectSame(out[0], sampleMessage());
    expectSame(out[1], second);
    EXPECT_EQ(d.buffered(), 0u);
  }
}

TEST(EventStreamDecode, OneByteAtATime) {
  const std::string wire = encodeMessage(sampleMessage()) + encodeMessage(sampleMessage());
  Decoder d;
  std::vector<Message> out;
  for (char c : wire) {
    ASSERT_TRUE(d.feed(std::string_view(&c, 1), out));
  }
  ASSERT_EQ(out.size(), 2u);
  expectSame(out[1], sampleMessage());
}

TEST(EventStreamDecode, EmptyPayloadAndNoHeaders) {
  Decoder d;
  std::vector<Message> out;
  ASSERT_TRUE(d.feed(encodeMessage(Message{}), out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].headers.empty());
  EXPECT_TRUE(out[0].payload.empty());
}

TEST(EventStreamDecode, TruncatedFrameStaysBuffered) {
  const std::string wire = encodeMessage(sampleMessage());
  Decoder d;
  std::vector<Message> out;
  ASSERT_TRUE(d.feed(wire.substr(0, wire.size() - 1), out));
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(d.buffered(), wire.size() - 1);
}

struct Corruption {
  const char* name;
  std::size_t offset;  ///< byte to flip; counted from the end when `from_end`
  bool from_end;
  const char* message_part;
};

class EventStreamCorruption : public ::testing::TestWithParam<Corruption> {};

TEST_P(EventStreamCorruption, IsAnErrorAndTheDecoderStaysFailed) {
  std::string wire = encodeMessage(sampleMessage());
  const Corruption c = GetParam();
  const std::size_t at = c.from_end ? wire.size() - 1 - c.offset : c.offset;
  wire[at] = static_cast<char>(wire[at] ^ 0x5A);
  Decoder d;
  std::vector<Message> out;
  auto r = d.feed(wire, out);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::UpstreamError);
  EXPECT_NE(r.error().message.find(c.message_part), std::string::npos) << r.error().message;
  EXPECT_TRUE(out.empty());
  EXPECT_FALSE(d.feed(encodeMessage(Message{}), out));
}

INSTANTIATE_TEST_SUITE_P(
    Frames, EventStreamCorruption,
    ::testing::Values(Corruption{"total_length", 3, false, "prelude CRC"},
                      Corruption{"headers_length", 7, false, "prelude CRC"},
                      Corruption{"prelude_crc", 10, false, "prelude CRC"},
                      Corruption{"header_byte", 14, false, "message CRC"},
                      Corruption{"payload_byte", 6, true, "message CRC"},
                      Corruption{"message_crc", 0, true, "message CRC"}),
    [](const auto& info) { return std::string(info.param.name); });

/// A frame with a valid prelude CRC but impossible lengths.
std::string preludeOnly(std::uint32_t total, std::uint32_t headers_len) {
  std::string wire;
  for (int i = 3; i >= 0; --i) {
    wire.push_back(static_cast<char>((total >> (8 * i)) & 0xFF));
  }
  for (int i = 3; i >= 0; --i) {
    wire.push_back(static_cast<char>((headers_len >> (8 * i)) & 0xFF));
  }
  const std::uint32_t crc = crypto::crc32(wire);
  for (int i = 3; i >= 0; --i) {
    wire.push_back(static_cast<char>((crc >> (8 * i)) & 0xFF));
  }
  return wire;
}

TEST(EventStreamDecode, TotalLengthBelowTheOverheadIsAnError) {
  Decoder d;
  std::vector<Message> out;
  auto r = d.feed(preludeOnly(15, 0), out);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("bad message length"), std::string::npos);
}

TEST(EventStreamDecode, HeadersLongerThanTheMessageIsAnError) {
  Decoder d;
  std::vector<Message> out;
  EXPECT_FALSE(d.feed(preludeOnly(20, 5), out));
}

TEST(EventStreamDecode, OversizedMessageIsAnError) {
  Decoder d;
  std::vector<Message> out;
  EXPECT_FALSE(d.feed(preludeOnly(kMaxMessageBytes + 1, 0), out));
}

TEST(EventStreamDecode, UnknownHeaderTypeIsAnError) {
  Message m;
  Header h;
  h.name = "x";
  h.type = HeaderType::String;
  h.bytes = "v";
  m.headers.push_back(h);
  std::string wire = encodeMessage(m);
  wire[12 + 1 + 1] = 42;  // the type byte after name length and name
  // Re-seal the message CRC so only the header type is wrong.
  const std::uint32_t crc = crypto::crc32(std::string_view(wire).substr(0, wire.size() - 4));
  for (int i = 0; i < 4; ++i) {
    wire[wire.size() - 4 + static_cast<std::size_t>(i)] =
        static_cast<char>((crc >> (8 * (3 - i))) & 0xFF);
  }
  Decoder d;
  std::vector<Message> out;
  auto r = d.feed(wire, out);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("header value type"), std::string::npos);
}

}  // namespace
}  // namespace gw::providers::bedrock::eventstream
