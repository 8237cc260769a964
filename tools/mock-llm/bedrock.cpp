// Amazon Bedrock Runtime Converse / ConverseStream.
// https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html
// https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html
// https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStreamOutput.html
#include "eventstream.hpp"
#include "providers.hpp"

namespace gw::mock::bedrock {
namespace {

constexpr StatusName kExceptions[] = {
    {401, "AccessDeniedException"},      {403, "AccessDeniedException"},
    {404, "ResourceNotFoundException"},  {408, "ModelTimeoutException"},
    {424, "ModelErrorException"},        {429, "ThrottlingException"},
    {503, "ServiceUnavailableException"}};

std::string_view errorName(unsigned status) {
  return nameFor(kExceptions, status, "ValidationException", "InternalServerException");
}

Plan awsError(unsigned status, std::string_view type, std::string_view message) {
  Plan p = jsonPlan(status, json::object{{"message", message}});
  p.headers.emplace_back("x-amzn-errortype",
                         std::string(type) +
                             ":http://internal.amazon.com/coral/com.amazon.bedrock/");
  return p;
}

/// SigV4 (or a Bedrock API key as Bearer) must be present; the signature is not verified.
std::optional<Plan> checkAuth(Incoming& in) {
  std::string_view auth = in.header("authorization");
  if (auth.starts_with("Bearer ")) {
    return std::nullopt;
  }
  if (!auth.starts_with("AWS4-HMAC-SHA256 Credential=")) {
    return awsError(403, "MissingAuthenticationTokenException", "Missing Authentication Token");
  }
  if (in.header("x-amz-date").empty() && in.header("date").empty()) {
    return awsError(403, "IncompleteSignatureException",
                    "Authorization header requires existence of either a 'X-Amz-Date' or a "
                    "'Date' header.");
  }
  return std::nullopt;
}

/// Text blocks of a content array, plus toolResult text/json contents.
std::size_t words(const json::array& blocks) {
  std::size_t n = countWords(textOf(blocks));
  for (const auto& b : blocks) {
    auto* tr = b.is_object() ? objectAt(b.get_object(), "toolResult") : nullptr;
    if (auto* c = tr ? arrayAt(*tr, "content") : nullptr) {
      n += countWords(textOf(*c));
    }
  }
  return n;
}

std::string toolResultText(const json::object& tr) {
  auto* content = arrayAt(tr, "content");
  if (!content) {
    return {};
  }
  std::string out = textOf(*content);
  for (const auto& c : *content) {
    if (auto* o = c.if_object(); o && o->contains("json")) {
      out += json::serialize(o->at("json"));
    }
  }
  return out;
}

Conversation conversation(const json::object& body) {
  Conversation c;
  auto* tc = objectAt(body, "toolConfig");
  if (auto* tools = tc ? arrayAt(*tc, "tools") : nullptr; tools && !tools->empty()) {
    auto* spec =
        tools->front().is_object() ? objectAt(tools->front().get_object(), "toolSpec") : nullptr;
    c.first_tool = spec ? std::string(stringAt(*spec, "name")) : std::string{};
  }
  if (auto* system = arrayAt(body, "system")) {
    c.prompt_tokens += countWords(textOf(*system));
  }
  auto* messages = arrayAt(body, "messages");
  if (!messages) {
    return c;
  }
  for (const auto& m : *messages) {
    auto* content = m.is_object() ? arrayAt(m.get_object(), "content") : nullptr;
    c.prompt_tokens += content ? words(*content) : 0;
  }
  if (messages->empty() || !messages->back().is_object()) {
    return c;
  }
  const auto& last = messages->back().get_object();
  c.last_is_user = stringAt(last, "role") == "user";
  if (auto* content = arrayAt(last, "content")) {
    for (const auto& b : *content) {
      if (auto* tr = b.is_object() ? objectAt(b.get_object(), "toolResult") : nullptr) {
        c.tool_result = toolResultText(*tr);
        c.last_is_user = false;
      }
    }
  }
  return c;
}

json::object usage(const Reply& r) {
  return json::object{{"inputTokens", r.prompt_tokens},
                      {"outputTokens", r.completion_tokens},
                      {"totalTokens", r.prompt_tokens + r.completion_tokens}};
}

/// Bedrock pads stream event payloads with a random-length "p" field (hides token lengths).
json::object padded(json::object o) {
  static constexpr std::string_view kPad = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0";
  o["p"] = kPad.substr(0, 1 + (o.size() * 7) % kPad.size());
  return o;
}

std::string frame(std::string_view type, json::object payload) {
  return eventstream::event(type, json::serialize(padded(std::move(payload))));
}

Plan stream(const Reply& r) {
  std::vector<std::string> f;
  f.push_back(frame("messageStart", json::object{{"role", "assistant"}}));
  if (r.tool_call) { // text blocks have no contentBlockStart; toolUse blocks do
    f.push_back(frame(
        "contentBlockStart",
        json::object{{"contentBlockIndex", 0},
                     {"start", json::object{{"toolUse", json::object{{"toolUseId", r.call_id},
                                                                     {"name", r.tool_name}}}}}}));
  }
  auto delta = [&](std::string_view piece) {
    json::object d = r.tool_call ? json::object{{"toolUse", json::object{{"input", piece}}}}
                                 : json::object{{"text", piece}};
    return json::object{{"contentBlockIndex", 0}, {"delta", std::move(d)}};
  };
  for (const auto& piece : r.pieces) {
    f.push_back(frame("contentBlockDelta", delta(piece)));
  }
  f.push_back(frame("contentBlockStop", json::object{{"contentBlockIndex", 0}}));
  f.push_back(
      frame("messageStop", json::object{{"stopReason", r.tool_call ? "tool_use" : "end_turn"}}));
  f.push_back(frame(
      "metadata", json::object{{"usage", usage(r)}, {"metrics", json::object{{"latencyMs", 1}}}}));
  Plan p;
  p.streaming = true;
  p.content_type = "application/vnd.amazon.eventstream";
  p.frames = std::move(f);
  p.malformed = eventstream::event("contentBlockDelta", R"({"contentBlockIndex":0,"delta":{"te)");
  p.bad_crc = frame("contentBlockDelta", delta("x"));
  p.bad_crc.back() = static_cast<char>(p.bad_crc.back() ^ 0x5A);
  return p;
}

} // namespace

Plan error(unsigned status, std::string_view message) {
  return awsError(status, errorName(status), message);
}

Plan converse(Incoming& in, std::string_view model_id, bool streaming) {
  if (auto denied = checkAuth(in)) {
    return *denied;
  }
  const json::object* body = in.body();
  if (!body) {
    return error(400, "Malformed input request, please reformat your input and try again.");
  }
  in.model(model_id);
  if (auto failed = in.scriptedFailure(&error)) {
    return *failed;
  }
  Reply r = makeReply(conversation(*body), in.behaviour, "tooluse_mock");
  Plan p;
  if (streaming) {
    p = stream(r);
  } else {
    json::object block =
        r.tool_call ? json::object{{"toolUse", json::object{{"toolUseId", r.call_id},
                                                            {"name", r.tool_name},
                                                            {"input", json::parse(r.text)}}}}
                    : json::object{{"text", r.text}};
    p = jsonPlan(
        200,
        json::object{
            {"output",
             json::object{{"message", json::object{{"role", "assistant"},
                                                   {"content", json::array{std::move(block)}}}}}},
            {"stopReason", r.tool_call ? "tool_use" : "end_turn"},
            {"usage", usage(r)},
            {"metrics", json::object{{"latencyMs", 1}}}});
  }
  p.headers.emplace_back("x-amzn-requestid", nextId("mock-"));
  return p;
}

} // namespace gw::mock::bedrock
