#pragma once

#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>

namespace gw::http {

/// Reads one HTTP message (or its header) into a Beast parser with plain `async_read_some`
/// calls on the caller's stream, in the caller's own coroutine:
///
///     MessageReader reader(parser, buffer, MessageReader<true>::Part::Header);
///     while (!reader.ready()) {
///       auto [ec, n] = co_await socket.async_read_some(reader.space(), kTuple);
///       reader.received(ec, n);
///     }
///     if (reader.error()) { ... }
///
/// Same rules as Beast's `http::async_read_header`/`async_read` (parse what is buffered first,
/// reads sized by `read_size(buffer, 64 KiB)`, EOF after some bytes ends a message whose end
/// is the connection's close, `end_of_stream` before any byte), without their composed
/// operations: no operation object, executor work guard or posted completion per call, which
/// cost more than the parsing of a small request.
///
/// @par Thread Safety
/// Not thread-safe; parser and buffer are borrowed and must outlive the reader.
template <bool isRequest>
class MessageReader {
 public:
  enum class Part { Header, Whole };

  MessageReader(boost::beast::http::basic_parser<isRequest>& parser,
                boost::beast::flat_buffer& buffer, Part part);

  /// Parses the buffered bytes. True when the wanted part is complete or reading failed
  /// (error() tells which); false when more input is needed: read into space().
  bool ready();
  /// Where the next read goes (valid after ready() returned false).
  boost::asio::mutable_buffer space() const { return space_; }
  /// Takes the outcome of the read into space().
  void received(const boost::system::error_code& ec, std::size_t n);
  const boost::system::error_code& error() const { return ec_; }

 private:
  boost::beast::http::basic_parser<isRequest>& parser_;
  boost::beast::flat_buffer& buffer_;
  Part part_;
  boost::system::error_code ec_;
  boost::asio::mutable_buffer space_;
  bool eof_done_ = false;
};

extern template class MessageReader<true>;
extern template class MessageReader<false>;

/// Drops the first `n` bytes of a gather list (what a partial write already sent).
template <std::size_t N>
void consumeBuffers(std::array<boost::asio::const_buffer, N>& buffers, std::size_t n) {
  for (auto& b : buffers) {
    const std::size_t take = n < b.size() ? n : b.size();
    b += take;
    n -= take;
  }
}

/// Writes what a non-blocking `socket` takes at once, without suspending: no error when
/// `buffers` went out whole; would_block with `buffers` left holding the rest, for an
/// asynchronous write; any other error when the connection broke.
template <class Socket, std::size_t N>
boost::system::error_code writeNow(Socket& socket,
                                   std::array<boost::asio::const_buffer, N>& buffers) {
  boost::system::error_code ec;
  const std::size_t total = boost::asio::buffer_size(buffers);
  const std::size_t n = socket.write_some(buffers, ec);
  if (n == total) {
    return {};
  }
  consumeBuffers(buffers, n);
  return ec ? ec : boost::system::error_code(boost::asio::error::would_block);
}

}  // namespace gw::http
