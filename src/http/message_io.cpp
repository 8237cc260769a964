#include "http/message_io.hpp"

#include <boost/asio/error.hpp>
#include <boost/beast/core/read_size.hpp>
#include <boost/beast/http/error.hpp>

namespace gw::http {

namespace bhttp = boost::beast::http;

namespace {
/// Most bytes one read asks for (Beast's own bound for http::read).
constexpr std::size_t kMaxReadSize = 64 * 1024;
}  // namespace

template <bool isRequest>
MessageReader<isRequest>::MessageReader(bhttp::basic_parser<isRequest>& parser,
                                        boost::beast::flat_buffer& buffer, Part part)
    : parser_(parser), buffer_(buffer), part_(part) {
  // Header only: stop parsing at the end of the header even when body bytes are buffered.
  parser_.eager(part == Part::Whole);
}

template <bool isRequest>
bool MessageReader<isRequest>::ready() {
  if (ec_ || eof_done_) {
    return true;
  }
  for (;;) {
    const bool complete = part_ == Part::Header ? parser_.is_header_done() : parser_.is_done();
    if (complete) {
      return true;
    }
    if (buffer_.size() == 0) {
      break;
    }
    const std::size_t used = parser_.put(buffer_.data(), ec_);
    buffer_.consume(used);
    if (ec_ == bhttp::error::need_more) {
      ec_ = {};
      break;
    }
    if (ec_) {
      return true;
    }
  }
  const std::size_t size = boost::beast::read_size(buffer_, kMaxReadSize);
  if (size == 0) {
    ec_ = bhttp::error::buffer_overflow;
    return true;
  }
  try {
    space_ = buffer_.prepare(size);
  } catch (const std::length_error&) {
    ec_ = bhttp::error::buffer_overflow;
    return true;
  }
  return false;
}

template <bool isRequest>
void MessageReader<isRequest>::received(const boost::system::error_code& ec, std::size_t n) {
  buffer_.commit(n);
  if (ec == boost::asio::error::eof) {
    if (parser_.got_some()) {
      // A message whose end is the connection's close (or a truncated one: put_eof says).
      boost::system::error_code eof_ec;
      parser_.put_eof(eof_ec);
      ec_ = eof_ec;
      eof_done_ = true;
      return;
    }
    ec_ = bhttp::error::end_of_stream;
    return;
  }
  ec_ = ec;
}

template class MessageReader<true>;
template class MessageReader<false>;

}  // namespace gw::http
