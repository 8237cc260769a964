#include <map>
#include <optional>
#include <string>

#include "providers/adapter_util.hpp"
#include "providers/bedrock/converse.hpp"
#include "providers/bedrock/event_stream.hpp"

namespace gw::providers::bedrock::converse {

namespace {

Error badUpstream(std::string message, std::optional<int> status = std::nullopt) {
  Error e;
  e.code = ErrorCode::UpstreamError;
  e.message = "bedrock: " + std::move(message);
  e.upstream_status = status;
  return e;
}

/// HTTP status AWS documents for each ConverseStream exception event.
/// https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStreamOutput.html
int exceptionStatus(std::string_view type) {
  if (type == "throttlingException") {
    return 429;
  }
  if (type == "validationException") {
    return 400;
  }
  if (type == "modelStreamErrorException") {
    return 424;
  }
  if (type == "serviceUnavailableException") {
    return 503;
  }
  return 500;  // internalServerException and anything new
}

std::string chatId(std::string_view request_id) {
  return "chatcmpl-" + std::string(request_id.empty() ? "bedrock" : request_id);
}

json::object toolCall(std::string_view id, std::string_view name, std::string arguments) {
  return json::object{{"id", id},
                      {"type", "function"},
                      {"function", json::object{{"name", name}, {"arguments", arguments}}}};
}

/// Converse TokenUsage -> Usage.
std::int64_t intOr0(const json::object& o, std::string_view key) {
  return getInt(o, key).value_or(0);
}

}  // namespace

std::string_view finishReason(std::string_view stop_reason) {
  if (stop_reason == "tool_use") {
    return "tool_calls";
  }
  if (stop_reason == "max_tokens" || stop_reason == "model_context_window_exceeded") {
    return "length";
  }
  if (stop_reason == "guardrail_intervened" || stop_reason == "content_filtered") {
    return "content_filter";
  }
  return "stop";  // end_turn, stop_sequence
}

Usage usageFrom(const json::object& usage) {
  Usage u;
  u.cached_tokens = intOr0(usage, "cacheReadInputTokens");
  u.cache_creation_tokens = intOr0(usage, "cacheWriteInputTokens");
  u.prompt_tokens = intOr0(usage, "inputTokens") + u.cached_tokens + u.cache_creation_tokens;
  u.completion_tokens = intOr0(usage, "outputTokens");
  u.known = true;
  return u;
}

Result<ParsedResponse> fromConverseResponse(const UpstreamResponse& response,
                                            const RequestOptions& options) {
  auto body = parseJsonObject(response.body);
  if (!body) {
    return badUpstream("malformed Converse response: " + body.error().message);
  }
  const auto* output = getObject(*body, "output");
  const auto* message = output ? getObject(*output, "message") : nullptr;
  const auto* content = message ? getArray(*message, "content") : nullptr;
  if (content == nullptr) {
    return badUpstream("Converse response has no output.message.content");
  }
  std::string text;
  std::string reasoning;
  json::array calls;
  for (const auto& block_value : *content) {
    const auto* block = block_value.if_object();
    if (block == nullptr) {
      continue;
    }
    if (const auto t = getStringView(*block, "text")) {
      text += *t;
    } else if (const auto* use = getObject(*block, "toolUse")) {
      const auto* input = use->if_contains("input");
      calls.push_back(toolCall(getStringView(*use, "toolUseId").value_or(""),
                               getStringView(*use, "name").value_or(""),
                               input ? toJson(*input) : "{}"));
    } else if (const auto* rc = getObject(*block, "reasoningContent")) {
      if (const auto* rt = getObject(*rc, "reasoningText")) {
        reasoning += getStringView(*rt, "text").value_or("");
      }
    }
  }
  json::object msg{{"role", "assistant"}};
  msg["content"] = text.empty() && !calls.empty() ? json::value(nullptr) : json::value(text);
  if (!reasoning.empty()) {
    msg["reasoning_content"] = reasoning;
  }
  std::string_view finish = finishReason(getStringView(*body, "stopReason").value_or(""));
  if (!calls.empty()) {
    msg["tool_calls"] = std::move(calls);
    finish = "tool_calls";
  }
  ParsedResponse out;
  if (const auto* usage = getObject(*body, "usage")) {
    out.usage = usageFrom(*usage);
  }
  const std::string* request_id = findHeader(response.headers, "x-amzn-requestid");
  out.body = json::object{
      {"id", chatId(request_id ? *request_id : "")},
      {"object", "chat.completion"},
      {"created", options.unix_time},
      {"model", options.public_model},
      {"choices", json::array{json::object{{"index", 0},
                                           {"message", std::move(msg)},
                                           {"logprobs", nullptr},
                                           {"finish_reason", finish}}}},
  };
  if (out.usage.known) {
    out.body["usage"] = usageToOpenAi(out.usage);
  }
  return out;
}

Result<ParsedResponse> fromFoundationModels(const UpstreamResponse& response) {
  auto body = parseJsonObject(response.body);
  if (!body) {
    return badUpstream("malformed ListFoundationModels response: " + body.error().message);
  }
  const auto* summaries = getArray(*body, "modelSummaries");
  if (summaries == nullptr) {
    return badUpstream("ListFoundationModels response has no modelSummaries");
  }
  json::array data;
  for (const auto& v : *summaries) {
    const auto* m = v.if_object();
    const auto id = m ? getStringView(*m, "modelId") : std::nullopt;
    if (!id) {
      continue;
    }
    data.push_back(json::object{{"id", *id},
                                {"object", "model"},
                                {"created", 0},
                                {"owned_by", getStringView(*m, "providerName").value_or("aws")}});
  }
  ParsedResponse out;
  out.body = json::object{{"object", "list"}, {"data", std::move(data)}};
  return out;
}

namespace {

/// ConverseStream (event-stream frames) -> OpenAI chat.completion.chunk objects.
/// https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html
class ConverseStreamTranslator final : public StreamTranslator {
public:
  explicit ConverseStreamTranslator(const RequestOptions& options) : options_(options) {}

  Result<void> onData(std::string_view bytes, std::vector<json::object>& out) override {
    std::vector<eventstream::Message> messages;
    auto fed = decoder_.feed(bytes, messages);
    for (const auto& m : messages) {  // frames decoded before a broken one still count
      if (auto r = onMessage(m, out); !r) {
        return r;
      }
    }
    return fed;
  }

  Result<void> onEnd(std::vector<json::object>& out) override {
    if (decoder_.buffered() != 0) {
      return badUpstream("stream ended inside an event-stream frame (" +
                           std::to_string(decoder_.buffered()) + " bytes left)");
    }
    if (!stopped_) {
      return badUpstream("stream ended before messageStop");
    }
    if (options_.include_usage) {
      auto c = chunk(json::array{});
      c["usage"] = usageToOpenAi(usage_);
      out.push_back(std::move(c));
    }
    return {};
  }

  const Usage& usage() const override { return usage_; }
  std::size_t skippedEvents() const override { return skipped_; }

private:
  json::object chunk(json::array choices) const {
    return json::object{{"id", chatId("")},
                        {"object", "chat.completion.chunk"},
                        {"created", options_.unix_time},
                        {"model", options_.public_model},
                        {"choices", std::move(choices)}};
  }

  json::object deltaChunk(json::object delta, json::value finish = nullptr) const {
    return chunk(json::array{json::object{
        {"index", 0}, {"delta", std::move(delta)}, {"finish_reason", std::move(finish)}}});
  }

  Result<void> onMessage(const eventstream::Message& m, std::vector<json::object>& out) {
    const std::string* message_type = m.stringHeader(":message-type");
    if (message_type != nullptr && *message_type == "exception") {
      const std::string* type = m.stringHeader(":exception-type");
      const std::string name = type ? *type : "exception";
      std::string detail;
      if (auto payload = parseJsonObject(m.payload)) {
        detail = std::string(getStringView(*payload, "message").value_or(""));
      }
      return badUpstream(name + ": " + detail, exceptionStatus(name));
    }
    if (message_type != nullptr && *message_type == "error") {
      const std::string* code = m.stringHeader(":error-code");
      const std::string* text = m.stringHeader(":error-message");
      return badUpstream((code ? *code : "error") + ": " + (text ? *text : ""));
    }
    const std::string* event = m.stringHeader(":event-type");
    if (event == nullptr) {
      ++skipped_;
      return {};
    }
    auto payload = parseJsonObject(m.payload);
    if (!payload) {
      return badUpstream("malformed " + *event + " payload: " + payload.error().message);
    }
    return onEvent(*event, *payload, out);
  }

  Result<void> onEvent(std::string_view event, const json::object& p,
                       std::vector<json::object>& out) {
    if (event == "messageStart") {
      out.push_back(deltaChunk(json::object{{"role", "assistant"}, {"content", ""}}));
    } else if (event == "contentBlockStart") {
      const auto* start = getObject(p, "start");
      const auto* use = start ? getObject(*start, "toolUse") : nullptr;
      if (use != nullptr) {
        const std::int64_t block = getInt(p, "contentBlockIndex").value_or(0);
        const std::size_t index = tool_index_.size();
        tool_index_[block] = index;
        auto call = toolCall(getStringView(*use, "toolUseId").value_or(""),
                             getStringView(*use, "name").value_or(""), "");
        call["index"] = index;
        out.push_back(deltaChunk(json::object{{"tool_calls", json::array{std::move(call)}}}));
      }
    } else if (event == "contentBlockDelta") {
      return onDelta(p, out);
    } else if (event == "messageStop") {
      stopped_ = true;
      std::string_view finish = finishReason(getStringView(p, "stopReason").value_or(""));
      if (!tool_index_.empty() && finish == "stop") {
        finish = "tool_calls";
      }
      out.push_back(deltaChunk(json::object{}, json::value(finish)));
    } else if (event == "metadata") {
      if (const auto* usage = getObject(p, "usage")) {
        usage_ = usageFrom(*usage);
      }
    } else if (event != "contentBlockStop") {
      ++skipped_;
    }
    return {};
  }

  Result<void> onDelta(const json::object& p, std::vector<json::object>& out) {
    const auto* delta = getObject(p, "delta");
    if (delta == nullptr) {
      ++skipped_;
      return {};
    }
    if (const auto text = getStringView(*delta, "text")) {
      out.push_back(deltaChunk(json::object{{"content", *text}}));
    } else if (const auto* use = getObject(*delta, "toolUse")) {
      const std::int64_t block = getInt(p, "contentBlockIndex").value_or(0);
      const auto it = tool_index_.find(block);
      if (it == tool_index_.end()) {
        return badUpstream("toolUse delta for block " + std::to_string(block) +
                             " without contentBlockStart");
      }
      json::object call{{"index", it->second},
                        {"function",
                         json::object{{"arguments", getStringView(*use, "input").value_or("")}}}};
      out.push_back(deltaChunk(json::object{{"tool_calls", json::array{std::move(call)}}}));
    } else if (const auto* rc = getObject(*delta, "reasoningContent")) {
      if (const auto text = getStringView(*rc, "text")) {
        out.push_back(deltaChunk(json::object{{"reasoning_content", *text}}));
      }
    } else {
      ++skipped_;
    }
    return {};
  }

  RequestOptions options_;
  eventstream::Decoder decoder_;
  Usage usage_;
  std::size_t skipped_ = 0;
  std::map<std::int64_t, std::size_t> tool_index_;  ///< contentBlockIndex -> tool_calls index
  bool stopped_ = false;
};

}  // namespace

StreamTranslatorPtr newStreamTranslator(const RequestOptions& options) {
  return std::make_unique<ConverseStreamTranslator>(options);
}

}  // namespace gw::providers::bedrock::converse
