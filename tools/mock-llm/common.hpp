#pragma once

#include "behaviour.hpp"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json.hpp>
#include <boost/url/url_view.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gw::mock {

namespace json = boost::json;
namespace http = boost::beast::http;
using Request = http::request<http::string_body>;

/// What to send back, built by a provider without any I/O. The server applies latency,
/// chunk delays and faults while writing it.
struct Plan {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  bool streaming = false;          ///< chunked transfer; `frames` hold the body
  std::string body;                ///< non-streaming body
  std::vector<std::string> frames; ///< streaming body, one element per SSE event / event frame
  std::string malformed;           ///< frame inserted after the first one by the malformed fault
  std::string bad_crc;             ///< frame inserted after the first one by the bad-crc fault
};

/// One row of a provider's HTTP status -> error name table.
struct StatusName {
  unsigned status;
  std::string_view name;
};

/// The name `table` gives `status`; otherwise `server` for 5xx and `client` for the rest.
template <std::size_t N>
std::string_view nameFor(const StatusName (&table)[N], unsigned status, std::string_view client,
                         std::string_view server) {
  for (const auto& row : table) {
    if (row.status == status) {
      return row.name;
    }
  }
  return status >= 500 ? server : client;
}

/// A provider's error body for `status`, in that provider's real shape.
using ErrorFn = Plan (*)(unsigned status, std::string_view message);

/// Provider-neutral summary of a chat request.
struct Conversation {
  std::string model;
  std::size_t prompt_tokens = 0;
  std::string first_tool;                 ///< name of the first declared tool, empty if none
  bool last_is_user = false;              ///< last message is a user turn (not a tool result)
  std::optional<std::string> tool_result; ///< content of the tool result in the last message
};

/// The deterministic answer to a Conversation.
struct Reply {
  bool tool_call = false;
  std::string tool_name;
  std::string call_id;
  std::string text; ///< answer text, or the tool arguments JSON when tool_call
  std::vector<std::string> pieces;
  std::size_t prompt_tokens = 0;
  std::size_t completion_tokens = 0;
};

inline constexpr std::string_view kDefaultReply =
    "Hello from mock-llm, the deterministic fake provider.";
inline constexpr std::string_view kToolArguments = R"({"location":"Paris"})";

/// One received request being answered. Not thread-safe; lives for one exchange.
class Incoming {
public:
  Incoming(const Request& req, boost::urls::url_view url, ScenarioBook& scenarios);

  const Request& req;
  boost::urls::url_view url;
  std::vector<std::string> segments; ///< decoded path segments
  Behaviour behaviour;               ///< headers, plus the model suffix once model() ran

  /// The body as a JSON object, or nullptr when it is not one.
  const json::object* body();
  /// Strips a `@k=v,...` suffix from `raw`, merging it under the `x-mock-*` headers.
  std::string model(std::string_view raw);
  /// Shared front half of every endpoint: the status this request must fail with, from
  /// `x-mock-status` or a fail-times scenario; nullopt to answer normally.
  std::optional<Plan> scriptedFailure(ErrorFn error);
  std::string_view header(std::string_view name) const;
  std::optional<std::string> query(std::string_view key) const;

private:
  ScenarioBook& scenarios_;
  json::value json_;
  bool parsed_ = false;
};

std::size_t countWords(std::string_view text);
/// Splits `text` into `n` pieces at word boundaries (or bytes when it has fewer words).
std::vector<std::string> splitPieces(std::string_view text, std::size_t n);
/// The deterministic answer: tool call, tool-result echo or text, split per behaviour.
Reply makeReply(const Conversation& c, const Behaviour& b, std::string_view call_prefix);
/// Deterministic unit-length vector for `text`.
std::vector<float> embedding(std::string_view text, std::size_t dims);
json::array toJson(const std::vector<float>& v);
std::string base64Floats(const std::vector<float>& v);
/// `prefix` + a process-unique hex counter.
std::string nextId(std::string_view prefix);
std::int64_t unixSeconds();

std::string_view stringAt(const json::object& o, std::string_view key);
const json::array* arrayAt(const json::object& o, std::string_view key);
const json::object* objectAt(const json::object& o, std::string_view key);
/// Text of a string, or of an array of `{"text": ...}` parts (others skipped).
std::string textOf(const json::value& v);

/// Serialises `v`; when `broken`, cuts it in half so it no longer parses.
std::string jsonText(const json::value& v, bool broken = false);
/// `data: <json>\n\n` (`sep` = "\r\n\r\n" for Gemini).
std::string sseData(const json::value& v, bool broken = false, std::string_view sep = "\n\n");
/// `event: <name>\ndata: <json>\n\n`.
std::string sseEvent(std::string_view name, const json::value& v, bool broken = false);
Plan jsonPlan(unsigned status, const json::value& v);
Plan ssePlan(std::vector<std::string> frames, std::string malformed);

} // namespace gw::mock
