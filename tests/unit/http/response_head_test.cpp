#include <gtest/gtest.h>

#include "http/request_context.hpp"
#include "unit/http/fake_response_writer.hpp"

namespace gw::http {
namespace {

TEST(ResponseHead, WireFormHasStatusLineFieldsAndBlankLine) {
  ResponseHead head;
  head.status = 404;
  head.add("Content-Type", "application/json");
  head.add("Content-Length", "2");
  std::string out = "kept";
  appendWireHead(out, head, true);
  EXPECT_EQ(out,
            "keptHTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n"
            "Content-Length: 2\r\n\r\n");
}

TEST(ResponseHead, ConnectionFieldFollowsVersionAndKeepAlive) {
  ResponseHead head;
  head.status = 200;
  std::string out;
  appendWireHead(out, head, false);
  EXPECT_EQ(out, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
  head.version = 10;
  out.clear();
  appendWireHead(out, head, true);
  EXPECT_EQ(out, "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\n");
  out.clear();
  appendWireHead(out, head, false);
  EXPECT_EQ(out, "HTTP/1.0 200 OK\r\n\r\n");
}

TEST(ResponseHead, ValuesThatWouldSplitTheHeaderAreDropped) {
  ResponseHead head;
  head.add("x-a", "fine");
  head.add("x-b", "evil\r\nSet-Cookie: x=1");
  head.add("x-c", "also\nevil");
  head.add("x-d", std::string_view("nul\0byte", 8));
  EXPECT_EQ(head.fields, "x-a: fine\r\n");
}

/// Sends one response from a handler and returns what the connection received.
bhttp::response<bhttp::string_body> sendOne(bhttp::verb method, unsigned status,
                                            std::string body,
                                            std::vector<std::pair<std::string, std::string>>
                                                added = {}) {
  Request req{method, "/x", 11};
  const Handler handler = [&](RequestContext& rc) -> net::awaitable<void> {
    for (const auto& [k, v] : added) {
      rc.addHeader(k, v);
    }
    co_await rc.send(status, body, "text/plain");
  };
  auto writer = test::runHandler(handler, req);
  EXPECT_EQ(writer.responses.size(), 1u);
  return writer.responses.at(0);
}

TEST(ResponseHead, SendSetsLengthIdAndLetsALaterHeaderWin) {
  const auto r = sendOne(bhttp::verb::get, 200, "hello",
                         {{"x-gateway-model", "first"},
                          {"Content-Type", "application/json"},
                          {"X-Gateway-Model", "second"}});
  EXPECT_EQ(r.result_int(), 200u);
  EXPECT_EQ(r.body(), "hello");
  EXPECT_EQ(r[bhttp::field::content_length], "5");
  EXPECT_EQ(r["x-request-id"], "test-request-id");
  EXPECT_EQ(r[bhttp::field::content_type], "application/json");
  EXPECT_EQ(r.count("x-gateway-model"), 1u);
  EXPECT_EQ(r["x-gateway-model"], "second");
  EXPECT_EQ(r.count(bhttp::field::content_type), 1u);
}

TEST(ResponseHead, HeadAnswersTheLengthWithoutABodyAnd204HasNeither) {
  const auto head = sendOne(bhttp::verb::head, 200, "hello");
  EXPECT_EQ(head[bhttp::field::content_length], "5");
  EXPECT_EQ(head.body(), "");
  const auto none = sendOne(bhttp::verb::delete_, 204, "");
  EXPECT_EQ(none.count(bhttp::field::content_length), 0u);
  EXPECT_EQ(none.body(), "");
}

}  // namespace
}  // namespace gw::http
