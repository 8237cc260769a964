// Gemini API (generativelanguage.googleapis.com, v1beta).
// https://ai.google.dev/api/generate-content
// https://ai.google.dev/api/embeddings
// https://ai.google.dev/api/models
// https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
#include "providers.hpp"

namespace gw::mock::gemini {
namespace {

// google.rpc.Code names as the Gemini API reports them.
constexpr StatusName kStatuses[] = {
    {400, "INVALID_ARGUMENT"}, {401, "UNAUTHENTICATED"}, {403, "PERMISSION_DENIED"},
    {404, "NOT_FOUND"},        {409, "ABORTED"},         {429, "RESOURCE_EXHAUSTED"},
    {499, "CANCELLED"},        {503, "UNAVAILABLE"},     {504, "DEADLINE_EXCEEDED"}};

std::string_view statusName(unsigned status) {
  return nameFor(kStatuses, status, "FAILED_PRECONDITION", "INTERNAL");
}

/// The text of the `parts` of one Content object.
std::string partsText(const json::value& content) {
  auto* o = content.if_object();
  auto* parts = o ? arrayAt(*o, "parts") : nullptr;
  return parts ? textOf(*parts) : std::string{};
}

/// A functionResponse's payload: its single string field, else its JSON.
std::string functionResult(const json::object& fr) {
  auto* resp = objectAt(fr, "response");
  if (!resp) {
    return {};
  }
  if (resp->size() == 1 && resp->begin()->value().is_string()) {
    return std::string(resp->begin()->value().get_string());
  }
  return json::serialize(*resp);
}

Conversation conversation(const json::object& body) {
  Conversation c;
  if (auto* tools = arrayAt(body, "tools")) {
    for (const auto& t : *tools) {
      auto* decls = t.is_object() ? arrayAt(t.get_object(), "functionDeclarations") : nullptr;
      if (decls && !decls->empty() && decls->front().is_object()) {
        c.first_tool = std::string(stringAt(decls->front().get_object(), "name"));
        break;
      }
    }
  }
  if (auto* si = body.if_contains("systemInstruction")) {
    c.prompt_tokens += countWords(partsText(*si));
  }
  auto* contents = arrayAt(body, "contents");
  if (!contents) {
    return c;
  }
  for (const auto& content : *contents) {
    c.prompt_tokens += countWords(partsText(content));
  }
  if (contents->empty() || !contents->back().is_object()) {
    return c;
  }
  const auto& last = contents->back().get_object();
  c.last_is_user = stringAt(last, "role") != "model";
  if (auto* parts = arrayAt(last, "parts")) {
    for (const auto& p : *parts) {
      auto* fr = p.is_object() ? objectAt(p.get_object(), "functionResponse") : nullptr;
      if (fr) {
        c.tool_result = functionResult(*fr);
        c.last_is_user = false;
      }
    }
  }
  return c;
}

json::object usage(const Reply& r, std::size_t completion) {
  return json::object{
      {"promptTokenCount", r.prompt_tokens},
      {"candidatesTokenCount", completion},
      {"totalTokenCount", r.prompt_tokens + completion},
      {"promptTokensDetails",
       json::array{json::object{{"modality", "TEXT"}, {"tokenCount", r.prompt_tokens}}}}};
}

/// One GenerateContentResponse; `part` is the whole answer or one streamed piece.
json::object response(const Reply& r, json::object part, bool last, std::size_t completion,
                      const std::string& model, const std::string& id) {
  json::object candidate{
      {"content", json::object{{"parts", json::array{std::move(part)}}, {"role", "model"}}}};
  if (last) {
    candidate["finishReason"] = "STOP"; // also STOP for function calls
  }
  candidate["index"] = 0;
  return json::object{{"candidates", json::array{std::move(candidate)}},
                      {"usageMetadata", usage(r, completion)},
                      {"modelVersion", model},
                      {"responseId", id}};
}

json::object textPart(std::string_view text) { return json::object{{"text", text}}; }

json::object callPart(const Reply& r) {
  return json::object{
      {"functionCall", json::object{{"name", r.tool_name}, {"args", json::parse(r.text)}}}};
}

/// `alt=sse` streams `data: {...}\r\n\r\n` events; without it the endpoint streams one JSON
/// array whose elements arrive as they are generated.
Plan stream(const Reply& r, const std::string& model, bool sse) {
  const std::string id = nextId("mock-");
  std::vector<json::object> chunks;
  if (r.tool_call) { // Gemini sends a function call whole, in one chunk
    chunks.push_back(response(r, callPart(r), true, r.completion_tokens, model, id));
  } else {
    std::size_t done = 0;
    for (std::size_t i = 0; i < r.pieces.size(); ++i) {
      done += countWords(r.pieces[i]);
      bool last = i + 1 == r.pieces.size();
      chunks.push_back(
          response(r, textPart(r.pieces[i]), last, last ? r.completion_tokens : done, model, id));
    }
  }
  json::object broken = response(r, textPart("x"), false, 0, model, id);
  std::vector<std::string> frames;
  if (sse) {
    for (const auto& c : chunks) {
      frames.push_back(sseData(c, false, "\r\n\r\n"));
    }
    return ssePlan(std::move(frames), sseData(broken, true, "\r\n\r\n"));
  }
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    frames.push_back((i == 0 ? "[" : ",\r\n") + json::serialize(chunks[i]));
  }
  frames.push_back("]");
  Plan p = ssePlan(std::move(frames), ",\r\n" + jsonText(broken, true));
  p.content_type = "application/json; charset=UTF-8";
  return p;
}

std::size_t dimensions(const json::object& req) {
  auto* d = req.if_contains("outputDimensionality");
  return d && d->is_int64() && d->get_int64() > 0 ? static_cast<std::size_t>(d->get_int64()) : 8;
}

json::object embeddingOf(const json::object& req) {
  std::string text = req.contains("content") ? partsText(req.at("content")) : std::string{};
  return json::object{{"values", toJson(embedding(text, dimensions(req)))}};
}

std::optional<Plan> checkKey(Incoming& in) {
  if (in.header("x-goog-api-key").empty() && !in.query("key")) {
    return error(403, "Method doesn't allow unregistered callers (callers without established "
                      "identity). Please use API key or other form of API consumer identity to "
                      "call this API.");
  }
  return std::nullopt;
}

} // namespace

Plan error(unsigned status, std::string_view message) {
  return jsonPlan(status, json::object{{"error", json::object{{"code", status},
                                                              {"message", message},
                                                              {"status", statusName(status)}}}});
}

Plan modelAction(Incoming& in, std::string_view raw_model, std::string_view action) {
  if (auto denied = checkKey(in)) {
    return *denied;
  }
  const json::object* body = in.body();
  if (!body) {
    return error(400, "Invalid JSON payload received.");
  }
  const std::string model = in.model(raw_model);
  if (auto failed = in.scriptedFailure(&error)) {
    return *failed;
  }
  if (action == "embedContent") {
    return jsonPlan(200, json::object{{"embedding", embeddingOf(*body)}});
  }
  if (action == "batchEmbedContents") {
    json::array out;
    if (auto* reqs = arrayAt(*body, "requests")) {
      for (const auto& r : *reqs) {
        out.push_back(r.is_object() ? embeddingOf(r.get_object()) : json::object{});
      }
    }
    return jsonPlan(200, json::object{{"embeddings", std::move(out)}});
  }
  if (action == "countTokens") {
    return jsonPlan(200, json::object{{"totalTokens", conversation(*body).prompt_tokens}});
  }
  Conversation c = conversation(*body);
  Reply r = makeReply(c, in.behaviour, "call_mock");
  if (action == "streamGenerateContent") {
    return stream(r, model, in.query("alt") == "sse");
  }
  if (action == "generateContent") {
    json::object part = r.tool_call ? callPart(r) : textPart(r.text);
    return jsonPlan(
        200, response(r, std::move(part), true, r.completion_tokens, model, nextId("mock-")));
  }
  return error(404, "Method not found.");
}

Plan listModels(Incoming& in) {
  if (auto denied = checkKey(in)) {
    return *denied;
  }
  if (auto failed = in.scriptedFailure(&error)) {
    return *failed;
  }
  auto model = [](std::string_view name, std::string_view display, json::array methods) {
    return json::object{{"name", std::string("models/") + std::string(name)},
                        {"version", "001"},
                        {"displayName", display},
                        {"description", "mock-llm fake model"},
                        {"inputTokenLimit", 1048576},
                        {"outputTokenLimit", 8192},
                        {"supportedGenerationMethods", std::move(methods)},
                        {"temperature", 1},
                        {"topP", 0.95},
                        {"topK", 40},
                        {"maxTemperature", 2}};
  };
  json::array models{model("gemini-mock-flash", "Gemini Mock Flash",
                           json::array{"generateContent", "countTokens", "streamGenerateContent"}),
                     model("gemini-mock-embedding", "Gemini Mock Embedding",
                           json::array{"embedContent", "batchEmbedContents"})};
  return jsonPlan(200, json::object{{"models", std::move(models)}});
}

} // namespace gw::mock::gemini
