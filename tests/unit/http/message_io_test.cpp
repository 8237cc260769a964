#include <gtest/gtest.h>

#include <boost/asio/error.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstring>
#include <string>

#include "http/message_io.hpp"

namespace gw::http {
namespace {

namespace net = boost::asio;
namespace bhttp = boost::beast::http;

/// Plays the stream: copies the next `n` bytes of `wire` into the reader's space (at most
/// what the space holds), or reports EOF when the wire is used up.
template <bool isRequest>
void feed(MessageReader<isRequest>& reader, std::string_view& wire, std::size_t n) {
  if (wire.empty()) {
    reader.received(net::error::eof, 0);
    return;
  }
  const auto space = reader.space();
  n = std::min({n, wire.size(), space.size()});
  std::memcpy(space.data(), wire.data(), n);
  wire.remove_prefix(n);
  reader.received({}, n);
}

TEST(MessageReader, ParsesWhatIsBufferedWithoutAskingForMore) {
  boost::beast::flat_buffer buffer;
  const std::string wire = "POST /v1/x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello";
  net::buffer_copy(buffer.prepare(wire.size()), net::buffer(wire));
  buffer.commit(wire.size());
  bhttp::request_parser<bhttp::string_body> parser;
  MessageReader<true> header(parser, buffer, MessageReader<true>::Part::Header);
  ASSERT_TRUE(header.ready());
  EXPECT_FALSE(header.error());
  EXPECT_TRUE(parser.is_header_done());
  EXPECT_FALSE(parser.is_done());  // the header part stops before the buffered body
  EXPECT_EQ(buffer.size(), 5u);
  MessageReader<true> whole(parser, buffer, MessageReader<true>::Part::Whole);
  ASSERT_TRUE(whole.ready());
  EXPECT_FALSE(whole.error());
  ASSERT_TRUE(parser.is_done());
  EXPECT_EQ(parser.get().body(), "hello");
  EXPECT_EQ(buffer.size(), 0u);
}

TEST(MessageReader, ReadsAMessageThatArrivesAByteAtATime) {
  boost::beast::flat_buffer buffer;
  std::string_view wire =
      "POST /v1/x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
      "GET /next HTTP/1.1\r\n";
  const std::size_t next_request = std::string_view("GET /next HTTP/1.1\r\n").size();
  bhttp::request_parser<bhttp::string_body> parser;
  MessageReader<true> reader(parser, buffer, MessageReader<true>::Part::Whole);
  int reads = 0;
  while (!reader.ready()) {
    ASSERT_GT(reader.space().size(), 0u);
    feed(reader, wire, 1);
    ++reads;
  }
  EXPECT_FALSE(reader.error());
  ASSERT_TRUE(parser.is_done());
  EXPECT_EQ(parser.get().body(), "abc");
  EXPECT_GT(reads, 60);
  // Nothing past the message was taken from the stream, nor left unparsed before it.
  EXPECT_EQ(wire.size(), next_request);
  EXPECT_EQ(buffer.size(), 0u);
}

TEST(MessageReader, EofBeforeAnyByteIsEndOfStream) {
  boost::beast::flat_buffer buffer;
  std::string_view wire;
  bhttp::request_parser<bhttp::string_body> parser;
  MessageReader<true> reader(parser, buffer, MessageReader<true>::Part::Header);
  ASSERT_FALSE(reader.ready());
  feed(reader, wire, 1);
  ASSERT_TRUE(reader.ready());
  EXPECT_EQ(reader.error(), bhttp::error::end_of_stream);
}

TEST(MessageReader, EofInsideAHeaderIsAPartialMessage) {
  boost::beast::flat_buffer buffer;
  std::string_view wire = "HTTP/1.1 200 OK\r\nContent-Le";
  bhttp::response_parser<bhttp::string_body> parser;
  MessageReader<false> reader(parser, buffer, MessageReader<false>::Part::Header);
  while (!reader.ready()) {
    feed(reader, wire, 8);
  }
  EXPECT_EQ(reader.error(), bhttp::error::partial_message);
}

TEST(MessageReader, ABodyThatEndsWithTheConnectionIsCompleteAtEof) {
  boost::beast::flat_buffer buffer;
  std::string_view wire = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end";
  bhttp::response_parser<bhttp::string_body> parser;
  MessageReader<false> reader(parser, buffer, MessageReader<false>::Part::Whole);
  while (!reader.ready()) {
    feed(reader, wire, 5);
  }
  EXPECT_FALSE(reader.error());
  ASSERT_TRUE(parser.is_done());
  EXPECT_EQ(parser.get().body(), "until the end");
}

TEST(MessageReader, ParserLimitsAndReadErrorsAreReported) {
  {
    boost::beast::flat_buffer buffer;
    const std::string text = "GET / HTTP/1.1\r\nX-Long: " + std::string(600, 'a');
    std::string_view wire = text;
    bhttp::request_parser<bhttp::empty_body> parser;
    parser.header_limit(256);
    MessageReader<true> reader(parser, buffer, MessageReader<true>::Part::Header);
    while (!reader.ready()) {
      feed(reader, wire, 100);
    }
    EXPECT_EQ(reader.error(), bhttp::error::header_limit);
  }
  {
    boost::beast::flat_buffer buffer;
    bhttp::request_parser<bhttp::empty_body> parser;
    MessageReader<true> reader(parser, buffer, MessageReader<true>::Part::Header);
    ASSERT_FALSE(reader.ready());
    reader.received(net::error::connection_reset, 0);
    ASSERT_TRUE(reader.ready());
    EXPECT_EQ(reader.error(), net::error::connection_reset);
  }
}

TEST(MessageReader, AFullBufferIsABufferOverflow) {
  boost::beast::flat_buffer buffer(64);  // at most 64 bytes: the header never fits
  const std::string text = "GET / HTTP/1.1\r\nX-Long: " + std::string(200, 'a');
  std::string_view wire = text;
  bhttp::request_parser<bhttp::empty_body> parser;
  MessageReader<true> reader(parser, buffer, MessageReader<true>::Part::Header);
  int reads = 0;
  while (!reader.ready() && reads < 100) {
    feed(reader, wire, 64);
    ++reads;
  }
  EXPECT_EQ(reader.error(), bhttp::error::buffer_overflow);
}

TEST(ConsumeBuffers, DropsSentBytesAcrossBuffers) {
  const std::string a = "head", b = "body!";
  std::array<net::const_buffer, 2> buffers{net::buffer(a), net::buffer(b)};
  consumeBuffers(buffers, 6);
  EXPECT_EQ(buffers[0].size(), 0u);
  ASSERT_EQ(buffers[1].size(), 3u);
  EXPECT_EQ(std::string_view(static_cast<const char*>(buffers[1].data()), 3), "dy!");
  consumeBuffers(buffers, 3);
  EXPECT_EQ(net::buffer_size(buffers), 0u);
}

}  // namespace
}  // namespace gw::http
