#include <map>
#include <optional>
#include <set>
#include <string>

#include "http/sse/sse_parser.hpp"
#include "providers/adapter_util.hpp"
#include "providers/gemini/gemini_translate.hpp"

namespace gw::providers::gemini::translate {

namespace {

Error badUpstream(std::string message) {
  Error e;
  e.code = ErrorCode::UpstreamError;
  e.message = "gemini: " + std::move(message);
  return e;
}

std::string chatId(std::string_view response_id) {
  return "chatcmpl-" + std::string(response_id.empty() ? "gemini" : response_id);
}

/// What one candidate (or one streamed slice of it) carries, in OpenAI terms.
struct CandidateDelta {
  std::size_t index = 0;
  std::string text;
  json::array tool_calls;  ///< OpenAI tool_calls entries (without the stream `index`)
  std::optional<std::string> finish_reason;  ///< Gemini's, untranslated
};

/// Reads a candidate. Function calls get ids "call_<n>" from `next_call_id` (Gemini sends none)
/// and their whole arguments at once. Thought-summary parts (`thought: true`) are skipped.
CandidateDelta readCandidate(const json::object& cand, std::size_t position,
                             std::size_t& next_call_id) {
  CandidateDelta d;
  d.index = static_cast<std::size_t>(getInt(cand, "index").value_or(
      static_cast<std::int64_t>(position)));
  if (const auto reason = getStringView(cand, "finishReason")) {
    d.finish_reason = std::string(*reason);
  }
  const auto* content = getObject(cand, "content");
  const auto* parts = content ? getArray(*content, "parts") : nullptr;
  if (parts == nullptr) {
    return d;
  }
  for (const auto& pv : *parts) {
    const auto* part = pv.if_object();
    if (part == nullptr || getBool(*part, "thought").value_or(false)) {
      continue;
    }
    if (const auto text = getStringView(*part, "text")) {
      d.text += *text;
    } else if (const auto* call = getObject(*part, "functionCall")) {
      const auto* args = call->if_contains("args");
      d.tool_calls.push_back(json::object{
          {"id", "call_" + std::to_string(next_call_id++)},
          {"type", "function"},
          {"function", json::object{{"name", getStringView(*call, "name").value_or("")},
                                    {"arguments", args ? toJson(*args) : "{}"}}}});
    }
  }
  return d;
}

/// The prompt was blocked before any candidate: promptFeedback.blockReason.
bool promptBlocked(const json::object& response) {
  const auto* feedback = getObject(response, "promptFeedback");
  return feedback != nullptr && getStringView(*feedback, "blockReason").has_value();
}

json::object usageJson(const json::object* metadata, const Usage& usage) {
  json::object o = usageToOpenAi(usage);
  const auto thoughts = metadata ? getInt(*metadata, "thoughtsTokenCount") : std::nullopt;
  if (thoughts && *thoughts > 0) {
    o["completion_tokens_details"] = json::object{{"reasoning_tokens", *thoughts}};
  }
  return o;
}

Error errorFromBody(const json::object& body) {
  const auto* err = getObject(body, "error");
  std::string message = err ? std::string(getStringView(*err, "message").value_or("")) : "";
  Error e = badUpstream(redactSecrets(message.empty() ? "error in stream" : message));
  if (const auto code = err ? getInt(*err, "code") : std::nullopt) {
    e.upstream_status = static_cast<int>(*code);
  }
  return e;
}

}  // namespace

std::string_view finishReason(std::string_view reason) {
  if (reason == "MAX_TOKENS") {
    return "length";
  }
  if (reason == "SAFETY" || reason == "RECITATION" || reason == "BLOCKLIST" ||
      reason == "PROHIBITED_CONTENT" || reason == "SPII" || reason == "IMAGE_SAFETY") {
    return "content_filter";
  }
  return "stop";  // STOP, LANGUAGE, OTHER, MALFORMED_FUNCTION_CALL, unspecified
}

Usage usageFrom(const json::object& m) {
  Usage u;
  // promptTokenCount already includes cachedContentTokenCount.
  u.prompt_tokens = getInt(m, "promptTokenCount").value_or(0);
  u.completion_tokens =
      getInt(m, "candidatesTokenCount").value_or(0) + getInt(m, "thoughtsTokenCount").value_or(0);
  u.cached_tokens = getInt(m, "cachedContentTokenCount").value_or(0);
  u.known = true;
  return u;
}

Result<ParsedResponse> fromGenerateContent(const UpstreamResponse& response,
                                           const RequestOptions& options) {
  auto body = parseUpstreamJson(response.body);
  if (!body) {
    return body.error();
  }
  json::array choices;
  std::size_t next_call_id = 0;
  if (const auto* candidates = getArray(*body, "candidates")) {
    for (std::size_t i = 0; i < candidates->size(); ++i) {
      const auto* cand = (*candidates)[i].if_object();
      if (cand == nullptr) {
        continue;
      }
      CandidateDelta d = readCandidate(*cand, i, next_call_id);
      json::object msg{{"role", "assistant"}};
      msg["content"] =
          d.text.empty() && !d.tool_calls.empty() ? json::value(nullptr) : json::value(d.text);
      std::string_view finish = finishReason(d.finish_reason.value_or("STOP"));
      if (!d.tool_calls.empty()) {
        msg["tool_calls"] = std::move(d.tool_calls);
        finish = "tool_calls";
      }
      choices.push_back(json::object{{"index", d.index},
                                     {"message", std::move(msg)},
                                     {"logprobs", nullptr},
                                     {"finish_reason", finish}});
    }
  }
  if (choices.empty()) {
    if (!promptBlocked(*body)) {
      return badUpstream("response has no candidates");
    }
    json::object empty{{"role", "assistant"}, {"content", ""}};
    choices.push_back(json::object{{"index", 0},
                                   {"message", std::move(empty)},
                                   {"logprobs", nullptr},
                                   {"finish_reason", "content_filter"}});
  }
  ParsedResponse out;
  const auto* metadata = getObject(*body, "usageMetadata");
  if (metadata != nullptr) {
    out.usage = usageFrom(*metadata);
  }
  out.body = json::object{
      {"id", chatId(getStringView(*body, "responseId").value_or(""))},
      {"object", "chat.completion"},
      {"created", options.unix_time},
      {"model", options.public_model.empty()
                    ? json::value(getStringView(*body, "modelVersion").value_or(""))
                    : json::value(options.public_model)},
      {"choices", std::move(choices)},
  };
  if (out.usage.known) {
    out.body["usage"] = usageJson(metadata, out.usage);
  }
  return out;
}

namespace {

/// streamGenerateContent?alt=sse -> chat.completion.chunk objects. Each SSE data is a whole
/// GenerateContentResponse holding the next slice of each candidate; usageMetadata is
/// cumulative, so the last one wins.
class GeminiStreamTranslator final : public StreamTranslator {
public:
  explicit GeminiStreamTranslator(const RequestOptions& options) : options_(options) {}

  Result<void> onData(std::string_view bytes, std::vector<json::object>& out) override {
    std::vector<http::sse::SseEvent> events;
    auto fed = parser_.feed(bytes, events);
    if (auto r = onEvents(events, out); !r) {
      return r;
    }
    if (!fed) {
      return badUpstream(fed.error().message);
    }
    return {};
  }

  Result<void> onEnd(std::vector<json::object>& out) override {
    std::vector<http::sse::SseEvent> events;
    parser_.finish(events);
    if (auto r = onEvents(events, out); !r) {
      return r;
    }
    if (finished_.empty()) {
      return badUpstream("stream ended without a finishReason");
    }
    if (options_.include_usage) {
      auto c = chunk(json::array{});
      c["usage"] = usageJson(has_metadata_ ? &metadata_ : nullptr, usage_);
      out.push_back(std::move(c));
    }
    return {};
  }

  const Usage& usage() const override { return usage_; }
  std::size_t skippedEvents() const override { return skipped_; }

private:
  Result<void> onEvents(const std::vector<http::sse::SseEvent>& events,
                        std::vector<json::object>& out) {
    for (const auto& e : events) {
      if (e.data.empty()) {
        ++skipped_;
        continue;
      }
      auto body = parseJsonObject(e.data);
      if (!body) {
        return badUpstream("malformed stream event: " + body.error().message);
      }
      if (auto r = onResponse(*body, out); !r) {
        return r;
      }
    }
    return {};
  }

  Result<void> onResponse(const json::object& body, std::vector<json::object>& out) {
    if (body.contains("error")) {
      return errorFromBody(body);
    }
    if (id_.empty()) {
      id_ = std::string(getStringView(body, "responseId").value_or(""));
    }
    bool known = false;
    if (const auto* metadata = getObject(body, "usageMetadata")) {
      metadata_ = *metadata;
      has_metadata_ = true;
      usage_ = usageFrom(*metadata);
      known = true;
    }
    const auto* candidates = getArray(body, "candidates");
    if (candidates != nullptr && !candidates->empty()) {
      for (std::size_t i = 0; i < candidates->size(); ++i) {
        if (const auto* cand = (*candidates)[i].if_object()) {
          onCandidate(readCandidate(*cand, i, next_call_id_), out);
        }
      }
      return {};
    }
    if (promptBlocked(body)) {
      CandidateDelta blocked;
      blocked.finish_reason = "SAFETY";
      onCandidate(std::move(blocked), out);
      return {};
    }
    if (!known) {
      ++skipped_;
    }
    return {};
  }

  void onCandidate(CandidateDelta d, std::vector<json::object>& out) {
    json::object delta;
    if (started_.insert(d.index).second) {
      delta["role"] = "assistant";
    }
    if (!d.text.empty() || delta.contains("role")) {
      delta["content"] = d.text;
    }
    if (!d.tool_calls.empty()) {
      std::size_t& count = tool_count_[d.index];
      for (auto& call : d.tool_calls) {
        call.as_object()["index"] = count++;
      }
      delta["tool_calls"] = std::move(d.tool_calls);
    }
    if (!delta.empty()) {
      out.push_back(choiceChunk(d.index, std::move(delta), nullptr));
    }
    if (d.finish_reason && finished_.insert(d.index).second) {
      std::string_view finish = finishReason(*d.finish_reason);
      if (tool_count_[d.index] > 0 && finish == "stop") {
        finish = "tool_calls";
      }
      out.push_back(choiceChunk(d.index, json::object{}, json::value(finish)));
    }
  }

  json::object chunk(json::array choices) const {
    return json::object{{"id", chatId(id_)},
                        {"object", "chat.completion.chunk"},
                        {"created", options_.unix_time},
                        {"model", options_.public_model},
                        {"choices", std::move(choices)}};
  }

  json::object choiceChunk(std::size_t index, json::object delta, json::value finish) const {
    return chunk(json::array{json::object{
        {"index", index}, {"delta", std::move(delta)}, {"finish_reason", std::move(finish)}}});
  }

  RequestOptions options_;
  http::sse::SseParser parser_;
  Usage usage_;
  json::object metadata_;
  bool has_metadata_ = false;
  std::size_t skipped_ = 0;
  std::size_t next_call_id_ = 0;
  std::string id_;
  std::set<std::size_t> started_;
  std::set<std::size_t> finished_;
  std::map<std::size_t, std::size_t> tool_count_;  ///< candidate -> tool calls sent
};

}  // namespace

StreamTranslatorPtr newStreamTranslator(const RequestOptions& options) {
  return std::make_unique<GeminiStreamTranslator>(options);
}

}  // namespace gw::providers::gemini::translate
