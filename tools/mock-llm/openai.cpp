// OpenAI Chat Completions / Completions / Embeddings / Models, and Azure OpenAI deployments.
// https://platform.openai.com/docs/api-reference/chat/create
// https://platform.openai.com/docs/api-reference/chat-streaming
// https://learn.microsoft.com/azure/ai-services/openai/reference
#include "providers.hpp"

namespace gw::mock::openai {
namespace {

constexpr StatusName kTypes[] = {{403, "permission_denied"}, {429, "requests"}};
constexpr StatusName kCodes[] = {
    {401, "invalid_api_key"}, {404, "model_not_found"}, {429, "rate_limit_exceeded"}};

std::string_view errorType(unsigned status) {
  return nameFor(kTypes, status, "invalid_request_error", "server_error");
}

json::value errorCode(unsigned status) {
  std::string_view code = nameFor(kCodes, status, "", "");
  return code.empty() ? json::value(nullptr) : json::value(code);
}

ErrorFn errorFn(Flavour f) { return f == Flavour::Azure ? &azureError : &error; }

/// Auth and (Azure) api-version checks; nullopt when the request may proceed.
std::optional<Plan> checkAccess(Incoming& in, Flavour f) {
  bool bearer = in.header("authorization").starts_with("Bearer ");
  if (f == Flavour::OpenAi) {
    if (!bearer) {
      return error(401,
                   "You didn't provide an API key. You need to provide your API key in an "
                   "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).");
    }
    return std::nullopt;
  }
  if (in.header("api-key").empty() && !bearer) {
    return azureError(401, "Access denied due to invalid subscription key or wrong API endpoint. "
                           "Make sure to provide a valid key for an active subscription and use a "
                           "correct regional API endpoint for your resource.");
  }
  if (!in.query("api-version")) {
    return azureError(404, "Resource not found"); // what Azure really answers without api-version
  }
  return std::nullopt;
}

/// Front half shared by all POST endpoints: access, JSON body, model suffix, scripted failure.
std::optional<Plan> admit(Incoming& in, Flavour f, std::string& model) {
  if (auto denied = checkAccess(in, f)) {
    return denied;
  }
  const json::object* body = in.body();
  if (!body) {
    return errorFn(f)(400, "We could not parse the JSON body of your request. (HINT: This likely "
                           "means you aren't using your HTTP library correctly.)");
  }
  std::string_view raw = stringAt(*body, "model");
  if (f == Flavour::Azure && raw.empty() && in.segments.size() > 2) {
    raw = in.segments[2]; // the deployment name
  }
  model = in.model(raw);
  return in.scriptedFailure(errorFn(f));
}

json::object filterResults() {
  json::object r;
  for (const char* k : {"hate", "self_harm", "sexual", "violence"}) {
    r[k] = json::object{{"filtered", false}, {"severity", "safe"}};
  }
  return r;
}

json::array promptFilterResults() {
  return json::array{
      json::object{{"prompt_index", 0}, {"content_filter_results", filterResults()}}};
}

Conversation conversation(const json::object& body) {
  Conversation c;
  if (auto* tools = arrayAt(body, "tools");
      tools && !tools->empty() && tools->front().is_object()) {
    if (auto* fn = objectAt(tools->front().get_object(), "function")) {
      c.first_tool = std::string(stringAt(*fn, "name"));
    }
  }
  auto* messages = arrayAt(body, "messages");
  if (!messages) {
    return c;
  }
  for (const auto& m : *messages) {
    if (auto* o = m.if_object(); o && o->contains("content")) {
      c.prompt_tokens += countWords(textOf(o->at("content")));
    }
  }
  if (!messages->empty() && messages->back().is_object()) {
    const auto& last = messages->back().get_object();
    std::string_view role = stringAt(last, "role");
    c.last_is_user = role == "user";
    if (role == "tool" || role == "function") {
      c.tool_result = last.contains("content") ? textOf(last.at("content")) : std::string{};
    }
  }
  return c;
}

json::object usage(const Reply& r) {
  return json::object{
      {"prompt_tokens", r.prompt_tokens},
      {"completion_tokens", r.completion_tokens},
      {"total_tokens", r.prompt_tokens + r.completion_tokens},
      {"prompt_tokens_details", json::object{{"cached_tokens", 0}, {"audio_tokens", 0}}},
      {"completion_tokens_details", json::object{{"reasoning_tokens", 0},
                                                 {"audio_tokens", 0},
                                                 {"accepted_prediction_tokens", 0},
                                                 {"rejected_prediction_tokens", 0}}}};
}

json::object envelope(std::string_view object, const std::string& id, const std::string& model,
                      std::int64_t created) {
  return json::object{{"id", id},
                      {"object", object},
                      {"created", created},
                      {"model", model},
                      {"system_fingerprint", "fp_mock"}};
}

json::object toolCall(const Reply& r, std::string_view arguments, bool with_index) {
  json::object call{{"id", r.call_id},
                    {"type", "function"},
                    {"function", json::object{{"name", r.tool_name}, {"arguments", arguments}}}};
  if (with_index) {
    call["index"] = 0;
  }
  return call;
}

Plan chatJson(const Reply& r, const std::string& model, Flavour f) {
  json::object message{{"role", "assistant"}, {"refusal", nullptr}, {"annotations", json::array{}}};
  if (r.tool_call) {
    message["content"] = nullptr;
    message["tool_calls"] = json::array{toolCall(r, r.text, false)};
  } else {
    message["content"] = r.text;
  }
  json::object choice{{"index", 0},
                      {"message", std::move(message)},
                      {"logprobs", nullptr},
                      {"finish_reason", r.tool_call ? "tool_calls" : "stop"}};
  json::object out = envelope("chat.completion", nextId("chatcmpl-mock"), model, unixSeconds());
  out["service_tier"] = "default";
  out["usage"] = usage(r);
  if (f == Flavour::Azure) {
    choice["content_filter_results"] = filterResults();
    out["prompt_filter_results"] = promptFilterResults();
  }
  out["choices"] = json::array{std::move(choice)};
  return jsonPlan(200, out);
}

/// Streaming chunks: role chunk, one chunk per piece, finish chunk, optional usage chunk,
/// `[DONE]`. Azure first sends its prompt-filter chunk with `choices: []`.
Plan chatStream(const Reply& r, const std::string& model, Flavour f, bool include_usage) {
  const std::string id = nextId("chatcmpl-mock");
  const std::int64_t created = unixSeconds();
  auto chunk = [&](json::object delta, json::value finish) {
    json::object c = envelope("chat.completion.chunk", id, model, created);
    c["choices"] = json::array{json::object{{"index", 0},
                                            {"delta", std::move(delta)},
                                            {"logprobs", nullptr},
                                            {"finish_reason", std::move(finish)}}};
    if (include_usage) {
      c["usage"] = nullptr;
    }
    return c;
  };
  std::vector<std::string> frames;
  if (f == Flavour::Azure) {
    frames.push_back(sseData(json::object{{"choices", json::array{}},
                                          {"created", 0},
                                          {"id", ""},
                                          {"model", ""},
                                          {"object", ""},
                                          {"prompt_filter_results", promptFilterResults()}}));
  }
  json::object first{{"role", "assistant"}, {"refusal", nullptr}};
  if (r.tool_call) {
    first["content"] = nullptr;
    first["tool_calls"] = json::array{toolCall(r, "", true)};
  } else {
    first["content"] = "";
  }
  frames.push_back(sseData(chunk(std::move(first), nullptr)));
  for (const auto& piece : r.pieces) {
    json::object delta;
    if (r.tool_call) {
      delta["tool_calls"] =
          json::array{json::object{{"index", 0}, {"function", json::object{{"arguments", piece}}}}};
    } else {
      delta["content"] = piece;
    }
    frames.push_back(sseData(chunk(std::move(delta), nullptr)));
  }
  frames.push_back(sseData(chunk(json::object{}, r.tool_call ? "tool_calls" : "stop")));
  if (include_usage) {
    json::object u = envelope("chat.completion.chunk", id, model, created);
    u["choices"] = json::array{};
    u["usage"] = usage(r);
    frames.push_back(sseData(u));
  }
  frames.push_back("data: [DONE]\n\n");
  return ssePlan(std::move(frames), sseData(chunk(json::object{{"content", "x"}}, nullptr), true));
}

bool includeUsage(const json::object& body) {
  auto* so = objectAt(body, "stream_options");
  auto* v = so ? so->if_contains("include_usage") : nullptr;
  return v && v->is_bool() && v->get_bool();
}

bool wantsStream(const json::object& body) {
  auto* v = body.if_contains("stream");
  return v && v->is_bool() && v->get_bool();
}

Plan withRequestId(Plan p) {
  p.headers.emplace_back("x-request-id", nextId("req_mock"));
  return p;
}

} // namespace

Plan error(unsigned status, std::string_view message) {
  return jsonPlan(status, json::object{{"error", json::object{{"message", message},
                                                              {"type", errorType(status)},
                                                              {"param", nullptr},
                                                              {"code", errorCode(status)}}}});
}

Plan azureError(unsigned status, std::string_view message) {
  return jsonPlan(status, json::object{{"error", json::object{{"code", std::to_string(status)},
                                                              {"message", message}}}});
}

Plan chatCompletions(Incoming& in, Flavour f) {
  std::string model;
  if (auto early = admit(in, f, model)) {
    return *early;
  }
  const json::object& body = *in.body();
  Conversation c = conversation(body);
  c.model = model;
  Reply r = makeReply(c, in.behaviour, "call_mock");
  if (wantsStream(body)) {
    return withRequestId(chatStream(r, model, f, includeUsage(body)));
  }
  return withRequestId(chatJson(r, model, f));
}

Plan completions(Incoming& in, Flavour f) {
  std::string model;
  if (auto early = admit(in, f, model)) {
    return *early;
  }
  const json::object& body = *in.body();
  Conversation c;
  if (auto* prompt = body.if_contains("prompt")) {
    c.prompt_tokens = countWords(prompt->is_string() ? std::string(prompt->get_string())
                                                     : json::serialize(*prompt));
  }
  Reply r = makeReply(c, in.behaviour, "call_mock");
  const std::string id = nextId("cmpl-mock");
  const std::int64_t created = unixSeconds();
  auto make = [&](std::string_view text, json::value finish) {
    json::object o = envelope("text_completion", id, model, created);
    o["choices"] = json::array{json::object{
        {"text", text}, {"index", 0}, {"logprobs", nullptr}, {"finish_reason", std::move(finish)}}};
    return o;
  };
  json::object u{{"prompt_tokens", r.prompt_tokens},
                 {"completion_tokens", r.completion_tokens},
                 {"total_tokens", r.prompt_tokens + r.completion_tokens}};
  if (!wantsStream(body)) {
    json::object o = make(r.text, "stop");
    o["usage"] = std::move(u);
    return withRequestId(jsonPlan(200, o));
  }
  std::vector<std::string> frames;
  for (const auto& piece : r.pieces) {
    frames.push_back(sseData(make(piece, nullptr)));
  }
  frames.push_back(sseData(make("", "stop")));
  if (includeUsage(body)) {
    json::object o = envelope("text_completion", id, model, created);
    o["choices"] = json::array{};
    o["usage"] = std::move(u);
    frames.push_back(sseData(o));
  }
  frames.push_back("data: [DONE]\n\n");
  return withRequestId(ssePlan(std::move(frames), sseData(make("x", nullptr), true)));
}

Plan embeddings(Incoming& in, Flavour f) {
  std::string model;
  if (auto early = admit(in, f, model)) {
    return *early;
  }
  const json::object& body = *in.body();
  const json::value* input = body.if_contains("input");
  if (!input || input->is_null()) {
    return errorFn(f)(400, "'input' is a required property");
  }
  std::vector<std::string> texts;
  bool token_arrays =
      input->is_array() && !input->get_array().empty() && !input->get_array().front().is_string();
  if (input->is_string() || token_arrays) {
    texts.push_back(input->is_string() ? std::string(input->get_string())
                                       : json::serialize(*input));
  } else if (input->is_array()) {
    for (const auto& v : input->get_array()) {
      texts.push_back(v.is_string() ? std::string(v.get_string()) : json::serialize(v));
    }
  }
  std::size_t dims = 8;
  if (auto* d = body.if_contains("dimensions"); d && d->is_int64() && d->get_int64() > 0) {
    dims = static_cast<std::size_t>(d->get_int64());
  }
  bool b64 = stringAt(body, "encoding_format") == "base64";
  json::array data;
  std::size_t tokens = 0;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    auto vec = embedding(texts[i], dims);
    tokens += countWords(texts[i]);
    json::value e = b64 ? json::value(base64Floats(vec)) : json::value(toJson(vec));
    data.push_back(
        json::object{{"object", "embedding"}, {"index", i}, {"embedding", std::move(e)}});
  }
  return withRequestId(jsonPlan(
      200,
      json::object{{"object", "list"},
                   {"data", std::move(data)},
                   {"model", model},
                   {"usage", json::object{{"prompt_tokens", tokens}, {"total_tokens", tokens}}}}));
}

Plan listModels(Incoming& in) {
  if (auto denied = checkAccess(in, Flavour::OpenAi)) {
    return *denied;
  }
  if (auto failed = in.scriptedFailure(&error)) {
    return *failed;
  }
  json::array data;
  for (const char* id : {"mock-gpt", "mock-gpt-mini", "mock-embedding"}) {
    data.push_back(json::object{
        {"id", id}, {"object", "model"}, {"created", 1700000000}, {"owned_by", "mock-llm"}});
  }
  return withRequestId(jsonPlan(200, json::object{{"object", "list"}, {"data", std::move(data)}}));
}

} // namespace gw::mock::openai
