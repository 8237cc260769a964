// Anthropic Messages API, including the streaming event sequence.
// https://docs.anthropic.com/en/api/messages
// https://docs.anthropic.com/en/docs/build-with-claude/streaming
// https://docs.anthropic.com/en/api/errors
#include "providers.hpp"

namespace gw::mock::anthropic {
namespace {

// https://docs.anthropic.com/en/api/errors#http-errors
constexpr StatusName kTypes[] = {{400, "invalid_request_error"}, {401, "authentication_error"},
                                 {403, "permission_error"},      {404, "not_found_error"},
                                 {413, "request_too_large"},     {429, "rate_limit_error"},
                                 {529, "overloaded_error"}};

std::string_view errorType(unsigned status) {
  return nameFor(kTypes, status, "invalid_request_error", "api_error");
}

std::optional<Plan> checkHeaders(Incoming& in) {
  if (in.header("x-api-key").empty()) {
    return error(401, "x-api-key header is required");
  }
  if (in.header("anthropic-version").empty()) {
    return error(400, "anthropic-version: header is required");
  }
  return std::nullopt;
}

std::optional<Plan> admit(Incoming& in, std::string& model) {
  if (auto denied = checkHeaders(in)) {
    return denied;
  }
  const json::object* body = in.body();
  if (!body) {
    return error(400, "There was an error parsing the body of your request.");
  }
  model = in.model(stringAt(*body, "model"));
  return in.scriptedFailure(&error);
}

/// Text of content blocks, counting tool_result contents too.
std::size_t words(const json::value& content) {
  std::size_t n = countWords(textOf(content));
  if (auto* blocks = content.if_array()) {
    for (const auto& b : *blocks) {
      if (auto* o = b.if_object();
          o && stringAt(*o, "type") == "tool_result" && o->contains("content")) {
        n += countWords(textOf(o->at("content")));
      }
    }
  }
  return n;
}

Conversation conversation(const json::object& body) {
  Conversation c;
  if (auto* tools = arrayAt(body, "tools");
      tools && !tools->empty() && tools->front().is_object()) {
    c.first_tool = std::string(stringAt(tools->front().get_object(), "name"));
  }
  if (auto* system = body.if_contains("system")) {
    c.prompt_tokens += countWords(textOf(*system));
  }
  auto* messages = arrayAt(body, "messages");
  if (!messages) {
    return c;
  }
  for (const auto& m : *messages) {
    if (auto* o = m.if_object(); o && o->contains("content")) {
      c.prompt_tokens += words(o->at("content"));
    }
  }
  if (messages->empty() || !messages->back().is_object()) {
    return c;
  }
  const auto& last = messages->back().get_object();
  c.last_is_user = stringAt(last, "role") == "user";
  if (auto* blocks = arrayAt(last, "content")) {
    for (const auto& b : *blocks) {
      if (auto* o = b.if_object(); o && stringAt(*o, "type") == "tool_result") {
        c.tool_result = o->contains("content") ? textOf(o->at("content")) : std::string{};
        c.last_is_user = false;
      }
    }
  }
  return c;
}

json::object contentBlock(const Reply& r, bool streaming_start) {
  if (!r.tool_call) {
    return json::object{{"type", "text"}, {"text", streaming_start ? "" : r.text}};
  }
  json::value input = streaming_start ? json::value(json::object{}) : json::parse(r.text);
  return json::object{
      {"type", "tool_use"}, {"id", r.call_id}, {"name", r.tool_name}, {"input", std::move(input)}};
}

json::object message(const Reply& r, const std::string& id, const std::string& model, bool start) {
  json::object usage{{"input_tokens", r.prompt_tokens},
                     {"cache_creation_input_tokens", 0},
                     {"cache_read_input_tokens", 0},
                     {"output_tokens", start ? 1 : r.completion_tokens},
                     {"service_tier", "standard"}};
  json::value stop = nullptr;
  if (!start) {
    stop = r.tool_call ? "tool_use" : "end_turn";
  }
  json::array content;
  if (!start) {
    content.push_back(contentBlock(r, false));
  }
  return json::object{{"id", id},
                      {"type", "message"},
                      {"role", "assistant"},
                      {"model", model},
                      {"content", std::move(content)},
                      {"stop_reason", std::move(stop)},
                      {"stop_sequence", nullptr},
                      {"usage", std::move(usage)}};
}

Plan stream(const Reply& r, const std::string& id, const std::string& model) {
  std::vector<std::string> f;
  f.push_back(sseEvent("message_start", json::object{{"type", "message_start"},
                                                     {"message", message(r, id, model, true)}}));
  f.push_back(
      sseEvent("content_block_start", json::object{{"type", "content_block_start"},
                                                   {"index", 0},
                                                   {"content_block", contentBlock(r, true)}}));
  f.push_back(sseEvent("ping", json::object{{"type", "ping"}}));
  auto delta = [](std::string_view piece, bool tool) {
    json::object d = tool ? json::object{{"type", "input_json_delta"}, {"partial_json", piece}}
                          : json::object{{"type", "text_delta"}, {"text", piece}};
    return json::object{{"type", "content_block_delta"}, {"index", 0}, {"delta", std::move(d)}};
  };
  if (r.tool_call) { // the real API opens tool input with an empty partial_json
    f.push_back(sseEvent("content_block_delta", delta("", true)));
  }
  for (const auto& piece : r.pieces) {
    f.push_back(sseEvent("content_block_delta", delta(piece, r.tool_call)));
  }
  f.push_back(
      sseEvent("content_block_stop", json::object{{"type", "content_block_stop"}, {"index", 0}}));
  json::object md{{"stop_reason", r.tool_call ? "tool_use" : "end_turn"},
                  {"stop_sequence", nullptr}};
  f.push_back(
      sseEvent("message_delta",
               json::object{{"type", "message_delta"},
                            {"delta", std::move(md)},
                            {"usage", json::object{{"output_tokens", r.completion_tokens}}}}));
  f.push_back(sseEvent("message_stop", json::object{{"type", "message_stop"}}));
  return ssePlan(std::move(f), sseEvent("content_block_delta", delta("x", false), true));
}

Plan withRequestId(Plan p) {
  p.headers.emplace_back("request-id", nextId("req_mock"));
  return p;
}

} // namespace

Plan error(unsigned status, std::string_view message) {
  return jsonPlan(status, json::object{{"type", "error"},
                                       {"error", json::object{{"type", errorType(status)},
                                                              {"message", message}}},
                                       {"request_id", nextId("req_mock")}});
}

Plan messages(Incoming& in) {
  std::string model;
  if (auto early = admit(in, model)) {
    return *early;
  }
  const json::object& body = *in.body();
  Conversation c = conversation(body);
  Reply r = makeReply(c, in.behaviour, "toolu_mock");
  const std::string id = nextId("msg_mock");
  auto* s = body.if_contains("stream");
  if (s && s->is_bool() && s->get_bool()) {
    return withRequestId(stream(r, id, model));
  }
  return withRequestId(jsonPlan(200, message(r, id, model, false)));
}

Plan countTokens(Incoming& in) {
  std::string model;
  if (auto early = admit(in, model)) {
    return *early;
  }
  Conversation c = conversation(*in.body());
  return withRequestId(jsonPlan(200, json::object{{"input_tokens", c.prompt_tokens}}));
}

Plan listModels(Incoming& in) {
  if (auto denied = checkHeaders(in)) {
    return *denied;
  }
  if (auto failed = in.scriptedFailure(&error)) {
    return *failed;
  }
  json::array data;
  for (const char* id : {"claude-mock-sonnet", "claude-mock-haiku"}) {
    data.push_back(json::object{{"type", "model"},
                                {"id", id},
                                {"display_name", id},
                                {"created_at", "2025-01-01T00:00:00Z"}});
  }
  return withRequestId(jsonPlan(200, json::object{{"data", std::move(data)},
                                                  {"has_more", false},
                                                  {"first_id", "claude-mock-sonnet"},
                                                  {"last_id", "claude-mock-haiku"}}));
}

} // namespace gw::mock::anthropic
