#include "providers/anthropic/anthropic_adapter.hpp"

#include <map>

#include "http/sse/sse_parser.hpp"
#include "providers/adapter_util.hpp"

namespace gw::providers::anthropic {

namespace {

using http::sse::SseEvent;

Error unsupported(std::string message, std::string param) {
  return makeError(ErrorCode::Unsupported, std::move(message), std::move(param));
}

std::string at(std::string_view base, std::size_t i) {
  return indexPath(base, i);
}

/// An image_url part -> an Anthropic image block: data: URLs become base64 sources, other URLs
/// url sources (https://docs.anthropic.com/en/docs/build-with-claude/vision).
Result<json::object> imageBlock(const json::object& part, const std::string& path) {
  std::string_view url;
  if (const auto* iu = part.if_contains("image_url")) {
    if (iu->is_string()) {
      url = iu->get_string();
    } else if (iu->is_object()) {
      url = getStringView(iu->get_object(), "url").value_or("");
    }
  }
  if (url.empty()) {
    return Error::invalid(path + ".image_url.url is required", path + ".image_url.url");
  }
  json::object source;
  if (url.substr(0, 5) == "data:") {
    const auto comma = url.find(',');
    const auto meta = url.substr(5, comma == std::string_view::npos ? 0 : comma - 5);
    const auto semi = meta.find(';');
    if (comma == std::string_view::npos || semi == std::string_view::npos ||
        meta.substr(semi + 1) != "base64") {
      return Error::invalid(path + ": only base64 data URLs are supported", path);
    }
    source["type"] = "base64";
    source["media_type"] = meta.substr(0, semi);
    source["data"] = url.substr(comma + 1);
  } else {
    source["type"] = "url";
    source["url"] = url;
  }
  return json::object{{"type", "image"}, {"source", std::move(source)}};
}

/// Copies `cache_control` from an OpenAI part onto an Anthropic block (prompt caching).
void copyCacheControl(const json::object& from, json::object& to) {
  if (const auto* cc = from.if_contains("cache_control")) {
    to["cache_control"] = *cc;
  }
}

/// OpenAI message content (string or parts) -> Anthropic blocks. Empty texts are dropped:
/// Anthropic rejects empty text blocks.
Result<json::array> contentBlocks(const json::value& content, const std::string& path,
                                  bool allow_images) {
  json::array blocks;
  if (content.is_null()) {
    return blocks;
  }
  if (content.is_string()) {
    if (!content.get_string().empty()) {
      blocks.push_back(json::object{{"type", "text"}, {"text", content.get_string()}});
    }
    return blocks;
  }
  if (!content.is_array()) {
    return Error::invalid(path + " must be a string or an array", path);
  }
  const auto& parts = content.get_array();
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto p = at(path, i);
    if (!parts[i].is_object()) {
      return Error::invalid(p + " must be an object", p);
    }
    const auto& part = parts[i].get_object();
    const auto type = getStringView(part, "type").value_or("");
    if (type == "text") {
      const auto text = getStringView(part, "text").value_or("");
      if (!text.empty()) {
        json::object block{{"type", "text"}, {"text", text}};
        copyCacheControl(part, block);
        blocks.push_back(std::move(block));
      }
    } else if (type == "image_url" && allow_images) {
      auto block = imageBlock(part, p);
      if (!block) {
        return block.error();
      }
      copyCacheControl(part, *block);
      blocks.push_back(std::move(*block));
    } else if (type == "refusal") {
      continue;
    } else {
      return unsupported("content part type '" + std::string(type) +
                             "' is not supported by "
                             "Anthropic in this position",
                         p + ".type");
    }
  }
  return blocks;
}

Result<json::array> toolUseBlocks(const json::array& calls, const std::string& path) {
  json::array blocks;
  for (std::size_t i = 0; i < calls.size(); ++i) {
    const auto p = at(path, i);
    const auto* call = calls[i].if_object();
    const auto* fn = call ? getObject(*call, "function") : nullptr;
    if (!fn) {
      return Error::invalid(p + ".function is required", p + ".function");
    }
    const auto args = getStringView(*fn, "arguments").value_or("");
    json::value input = json::object{};
    if (!args.empty()) {
      auto parsed = parseJson(args);
      if (!parsed || !parsed->is_object()) {
        return Error::invalid(p + ".function.arguments must be a JSON object",
                              p + ".function.arguments");
      }
      input = std::move(*parsed);
    }
    blocks.push_back(json::object{{"type", "tool_use"},
                                  {"id", getStringView(*call, "id").value_or("")},
                                  {"name", getStringView(*fn, "name").value_or("")},
                                  {"input", std::move(input)}});
  }
  return blocks;
}

Result<void> translateMessages(const json::array& in, json::object& out) {
  json::array system;
  json::array messages;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const auto path = at("messages", i);
    const auto* msg = in[i].if_object();
    if (!msg) {
      return Error::invalid(path + " must be an object", path);
    }
    const auto role = getStringView(*msg, "role").value_or("");
    const json::value* content = msg->if_contains("content");
    const json::value null_content;
    if (!content) {
      content = &null_content;
    }
    if (role == "system" || role == "developer") {
      auto blocks = contentBlocks(*content, path + ".content", false);
      if (!blocks) {
        return blocks.error();
      }
      for (auto& b : *blocks) {
        system.push_back(std::move(b));
      }
    } else if (role == "user") {
      auto blocks = contentBlocks(*content, path + ".content", true);
      if (!blocks) {
        return blocks.error();
      }
      appendMergedTurn(messages, "user", "content", std::move(*blocks));
    } else if (role == "assistant") {
      auto blocks = contentBlocks(*content, path + ".content", false);
      if (!blocks) {
        return blocks.error();
      }
      if (const auto* calls = getArray(*msg, "tool_calls")) {
        auto uses = toolUseBlocks(*calls, path + ".tool_calls");
        if (!uses) {
          return uses.error();
        }
        for (auto& b : *uses) {
          blocks->push_back(std::move(b));
        }
      }
      appendMergedTurn(messages, "assistant", "content", std::move(*blocks));
    } else if (role == "tool") {
      const auto id = getStringView(*msg, "tool_call_id");
      if (!id) {
        return Error::invalid(path + ".tool_call_id is required", path + ".tool_call_id");
      }
      json::object result{{"type", "tool_result"}, {"tool_use_id", *id}};
      if (content->is_string()) {
        result["content"] = content->get_string();
      } else {
        auto blocks = contentBlocks(*content, path + ".content", true);
        if (!blocks) {
          return blocks.error();
        }
        result["content"] = std::move(*blocks);
      }
      appendMergedTurn(messages, "user", "content", json::array{std::move(result)});
    } else {
      return unsupported("message role '" + std::string(role) + "' is not supported by Anthropic",
                         path + ".role");
    }
  }
  if (messages.empty()) {
    return Error::invalid("messages must contain at least one user or assistant message",
                          "messages");
  }
  if (!system.empty()) {
    out["system"] = std::move(system);
  }
  out["messages"] = std::move(messages);
  return {};
}

Result<void> translateTools(const json::object& chat, json::object& out) {
  if (const auto* tools = getArray(chat, "tools"); tools && !tools->empty()) {
    json::array result;
    for (std::size_t i = 0; i < tools->size(); ++i) {
      const auto path = at("tools", i);
      const auto* tool = (*tools)[i].if_object();
      if (!tool || getStringView(*tool, "type").value_or("function") != "function") {
        return unsupported(path + ": only function tools are supported by Anthropic",
                           path + ".type");
      }
      const auto* fn = getObject(*tool, "function");
      const auto name = fn ? getStringView(*fn, "name") : std::nullopt;
      if (!name) {
        return Error::invalid(path + ".function.name is required", path + ".function.name");
      }
      json::object t{{"name", *name}};
      if (auto d = getStringView(*fn, "description")) {
        t["description"] = *d;
      }
      if (const auto* params = getObject(*fn, "parameters")) {
        t["input_schema"] = *params;
      } else {
        t["input_schema"] = json::object{{"type", "object"}, {"properties", json::object{}}};
      }
      copyCacheControl(*tool, t);
      result.push_back(std::move(t));
    }
    out["tools"] = std::move(result);
  }
  json::object choice;
  if (const auto* tc = chat.if_contains("tool_choice"); tc && !tc->is_null()) {
    if (tc->is_string()) {
      const auto& s = tc->get_string();
      if (s == "auto") {
        choice["type"] = "auto";
      } else if (s == "none") {
        choice["type"] = "none";
      } else if (s == "required") {
        choice["type"] = "any";
      } else {
        return Error::invalid("tool_choice '" + std::string(s) + "' is not valid", "tool_choice");
      }
    } else if (const auto* o = tc->if_object()) {
      const auto* fn = getObject(*o, "function");
      const auto name = fn ? getStringView(*fn, "name") : std::nullopt;
      if (!name) {
        return Error::invalid("tool_choice.function.name is required", "tool_choice");
      }
      choice["type"] = "tool";
      choice["name"] = *name;
    } else {
      return Error::invalid("tool_choice must be a string or an object", "tool_choice");
    }
  }
  if (getBool(chat, "parallel_tool_calls") == false && out.contains("tools")) {
    if (choice.empty()) {
      choice["type"] = "auto";
    }
    if (choice["type"] != "none") {
      choice["disable_parallel_tool_use"] = true;
    }
  }
  if (!choice.empty()) {
    out["tool_choice"] = std::move(choice);
  }
  return {};
}

}  // namespace

Result<json::object> chatToMessagesRequest(const json::object& chat,
                                           std::int64_t default_max_tokens) {
  json::object out;
  const auto model = getStringView(chat, "model");
  if (!model || model->empty()) {
    return Error::invalid("model is required", "model");
  }
  out["model"] = *model;
  const auto* messages = getArray(chat, "messages");
  if (!messages) {
    return Error::invalid("messages must be an array", "messages");
  }
  if (auto r = translateMessages(*messages, out); !r) {
    return r.error();
  }
  if (auto n = getInt(chat, "n"); n && *n > 1) {
    return unsupported("n > 1 is not supported by Anthropic", "n");
  }
  if (getBool(chat, "logprobs") == true || chat.contains("top_logprobs")) {
    return unsupported("logprobs are not supported by Anthropic", "logprobs");
  }
  if (const auto* rf = getObject(chat, "response_format")) {
    if (getStringView(*rf, "type").value_or("text") != "text") {
      return unsupported("response_format is not supported by Anthropic", "response_format");
    }
  }
  if (const auto* audio = chat.if_contains("audio"); audio && !audio->is_null()) {
    return unsupported("audio output is not supported by Anthropic", "audio");
  }
  auto max_tokens = getInt(chat, "max_completion_tokens");
  if (!max_tokens) {
    max_tokens = getInt(chat, "max_tokens");
  }
  out["max_tokens"] = max_tokens.value_or(default_max_tokens);
  if (const auto* stop = chat.if_contains("stop"); stop && !stop->is_null()) {
    if (stop->is_string()) {
      out["stop_sequences"] = json::array{stop->get_string()};
    } else if (stop->is_array()) {
      out["stop_sequences"] = stop->get_array();
    } else {
      return Error::invalid("stop must be a string or an array", "stop");
    }
  }
  for (const char* key : {"temperature", "top_p", "top_k"}) {
    if (const auto* v = chat.if_contains(key); v && !v->is_null()) {
      out[key] = *v;
    }
  }
  if (auto user = getStringView(chat, "user"); user && !user->empty()) {
    out["metadata"] = json::object{{"user_id", *user}};
  }
  if (getBool(chat, "stream") == true) {
    out["stream"] = true;
  }
  // Anthropic-only knobs sent by clients through extra_body pass through.
  if (const auto* thinking = getObject(chat, "thinking")) {
    out["thinking"] = *thinking;
  }
  if (auto r = translateTools(chat, out); !r) {
    return r.error();
  }
  return out;
}

std::string_view finishReasonFor(std::string_view stop_reason) {
  if (stop_reason == "max_tokens" || stop_reason == "model_context_window_exceeded") {
    return "length";
  }
  if (stop_reason == "tool_use") {
    return "tool_calls";
  }
  if (stop_reason == "refusal") {
    return "content_filter";
  }
  return "stop";  // end_turn, stop_sequence, pause_turn and anything newer
}

Usage usageFromAnthropic(const json::object& usage) {
  Usage u;
  const auto input = getInt(usage, "input_tokens").value_or(0);
  u.cached_tokens = getInt(usage, "cache_read_input_tokens").value_or(0);
  u.cache_creation_tokens = getInt(usage, "cache_creation_input_tokens").value_or(0);
  u.prompt_tokens = input + u.cached_tokens + u.cache_creation_tokens;
  u.completion_tokens = getInt(usage, "output_tokens").value_or(0);
  u.known = true;
  return u;
}

Result<ParsedResponse> messagesToChatResponse(const json::object& message, std::int64_t created) {
  const auto* content = getArray(message, "content");
  if (!content) {
    return makeError(ErrorCode::UpstreamError, "the provider's message has no content array");
  }
  std::string text;
  std::string reasoning;
  json::array tool_calls;
  for (const auto& v : *content) {
    const auto* block = v.if_object();
    if (!block) {
      continue;
    }
    const auto type = getStringView(*block, "type").value_or("");
    if (type == "text") {
      text.append(getStringView(*block, "text").value_or(""));
    } else if (type == "thinking") {
      reasoning.append(getStringView(*block, "thinking").value_or(""));
    } else if (type == "tool_use") {
      const auto* input = block->if_contains("input");
      tool_calls.push_back(json::object{
          {"id", getStringView(*block, "id").value_or("")},
          {"type", "function"},
          {"function", json::object{{"name", getStringView(*block, "name").value_or("")},
                                    {"arguments", input ? toJson(*input) : "{}"}}}});
    }
  }
  json::object msg{{"role", "assistant"}};
  msg["content"] = text.empty() && !tool_calls.empty() ? json::value(nullptr) : json::value(text);
  if (!reasoning.empty()) {
    msg["reasoning_content"] = reasoning;
  }
  if (!tool_calls.empty()) {
    msg["tool_calls"] = std::move(tool_calls);
  }
  ParsedResponse out;
  if (const auto* usage = getObject(message, "usage")) {
    out.usage = usageFromAnthropic(*usage);
  }
  const auto stop = getStringView(message, "stop_reason").value_or("end_turn");
  out.body =
      json::object{{"id", getStringView(message, "id").value_or("")},
                   {"object", "chat.completion"},
                   {"created", created},
                   {"model", getStringView(message, "model").value_or("")},
                   {"choices", json::array{json::object{{"index", 0},
                                                        {"message", std::move(msg)},
                                                        {"logprobs", nullptr},
                                                        {"finish_reason", finishReasonFor(stop)}}}},
                   {"usage", usageToOpenAi(out.usage)}};
  return out;
}

namespace {

/// Upstream status implied by an Anthropic error type, for errors that arrive in a stream
/// (https://docs.anthropic.com/en/api/errors).
int statusForErrorType(std::string_view type) {
  if (type == "invalid_request_error")
    return 400;
  if (type == "authentication_error")
    return 401;
  if (type == "permission_error")
    return 403;
  if (type == "not_found_error")
    return 404;
  if (type == "request_too_large")
    return 413;
  if (type == "rate_limit_error")
    return 429;
  if (type == "overloaded_error")
    return 529;
  return 500;
}

Error streamError(const json::object& data) {
  const auto* err = getObject(data, "error");
  Error e = makeError(ErrorCode::UpstreamError,
                      redactSecrets(err ? getStringView(*err, "message").value_or("upstream error")
                                        : "upstream error"));
  e.upstream_status = statusForErrorType(err ? getStringView(*err, "type").value_or("") : "");
  return e;
}

/// Shared SSE plumbing of both Anthropic translators: parse, decode JSON, dispatch on "type".
class AnthropicSseTranslator : public SseStreamTranslator {
public:
  const Usage& usage() const override { return usage_; }
  std::size_t skippedEvents() const override { return skipped_; }

protected:
  virtual Result<void> handle(std::string_view type, json::object& data,
                              std::vector<json::object>& out) = 0;
  Result<void> onStreamEnd(std::vector<json::object>& /*out*/) override {
    if (!stopped_) {
      return makeError(ErrorCode::UpstreamError, "the provider's stream ended before message_stop");
    }
    return {};
  }

  void recordUsage(const json::object& usage) {
    // message_start carries input and cache counts; message_delta the cumulative output (and,
    // in newer API versions, the final input counts too).
    Usage next = usageFromAnthropic(usage);
    if (!usage.contains("input_tokens") && usage_.known) {
      next.prompt_tokens = usage_.prompt_tokens;
      next.cached_tokens = usage_.cached_tokens;
      next.cache_creation_tokens = usage_.cache_creation_tokens;
    }
    if (!usage.contains("output_tokens")) {
      next.completion_tokens = usage_.completion_tokens;
    }
    usage_ = next;
  }

  Usage usage_;
  std::size_t skipped_ = 0;
  bool stopped_ = false;

private:
  Result<void> handleEvents(std::vector<SseEvent>& events,
                            std::vector<json::object>& out) override {
    for (auto& ev : events) {
      if (stopped_) {
        ++skipped_;
        continue;
      }
      auto parsed = parseJson(ev.data);
      if (!parsed || !parsed->is_object()) {
        return makeError(ErrorCode::UpstreamError, "the provider streamed malformed JSON");
      }
      auto& data = parsed->as_object();
      std::string type(getStringView(data, "type").value_or(ev.event));
      if (type == "error") {
        return streamError(data);
      }
      if (type == "message_start") {
        if (const auto* m = getObject(data, "message")) {
          if (const auto* u = getObject(*m, "usage")) {
            recordUsage(*u);
          }
        }
      } else if (type == "message_delta") {
        if (const auto* u = getObject(data, "usage")) {
          recordUsage(*u);
        }
      }
      if (auto r = handle(type, data, out); !r) {
        return r;
      }
      if (type == "message_stop") {
        stopped_ = true;
      }
    }
    return {};
  }
};

/// Anthropic stream -> chat.completion.chunk objects
/// (https://docs.anthropic.com/en/docs/build-with-claude/streaming).
class ChatStreamTranslator final : public AnthropicSseTranslator {
public:
  explicit ChatStreamTranslator(const RequestOptions& options) : options_(options) {}

protected:
  Result<void> handle(std::string_view type, json::object& data,
                      std::vector<json::object>& out) override {
    if (type == "message_start") {
      if (const auto* m = getObject(data, "message")) {
        id_ = getStringView(*m, "id").value_or("");
        model_ = getStringView(*m, "model").value_or("");
      }
      out.push_back(chunk(json::object{{"role", "assistant"}, {"content", ""}}));
    } else if (type == "content_block_start") {
      return blockStart(data, out);
    } else if (type == "content_block_delta") {
      return blockDelta(data, out);
    } else if (type == "message_delta") {
      if (const auto* d = getObject(data, "delta")) {
        if (auto reason = getStringView(*d, "stop_reason")) {
          finish_reason_ = std::string(finishReasonFor(*reason));
        }
      }
    } else if (type == "message_stop") {
      out.push_back(chunk(json::object{}, finish_reason_.empty() ? "stop" : finish_reason_));
      if (options_.include_usage) {
        auto last = chunk(json::object{});
        last["choices"] = json::array{};
        last["usage"] = usageToOpenAi(usage_);
        out.push_back(std::move(last));
      }
    } else if (type != "content_block_stop" && type != "ping") {
      ++skipped_;
    }
    return {};
  }

private:
  json::object chunk(json::object delta, std::string_view finish_reason = {}) const {
    json::object choice{{"index", 0}, {"delta", std::move(delta)}};
    choice["finish_reason"] =
        finish_reason.empty() ? json::value(nullptr) : json::value(finish_reason);
    return json::object{{"id", id_},
                        {"object", "chat.completion.chunk"},
                        {"created", options_.unix_time},
                        {"model", model_},
                        {"choices", json::array{std::move(choice)}}};
  }

  Result<void> blockStart(const json::object& data, std::vector<json::object>& out) {
    const auto index = getInt(data, "index").value_or(-1);
    const auto* block = getObject(data, "content_block");
    if (!block) {
      return makeError(ErrorCode::UpstreamError, "content_block_start without content_block");
    }
    const auto type = getStringView(*block, "type").value_or("");
    if (type == "text") {
      if (auto text = getStringView(*block, "text"); text && !text->empty()) {
        out.push_back(chunk(json::object{{"content", *text}}));
      }
    } else if (type == "tool_use") {
      const auto tool_index = static_cast<std::int64_t>(tool_index_.size());
      tool_index_[index] = tool_index;
      json::object call{
          {"index", tool_index},
          {"id", getStringView(*block, "id").value_or("")},
          {"type", "function"},
          {"function",
           json::object{{"name", getStringView(*block, "name").value_or("")}, {"arguments", ""}}}};
      out.push_back(chunk(json::object{{"tool_calls", json::array{std::move(call)}}}));
    } else if (type != "thinking" && type != "redacted_thinking") {
      ++skipped_;  // server tool blocks and future types carry nothing OpenAI can express
    }
    return {};
  }

  Result<void> blockDelta(const json::object& data, std::vector<json::object>& out) {
    const auto index = getInt(data, "index").value_or(-1);
    const auto* delta = getObject(data, "delta");
    if (!delta) {
      return makeError(ErrorCode::UpstreamError, "content_block_delta without delta");
    }
    const auto type = getStringView(*delta, "type").value_or("");
    if (type == "text_delta") {
      out.push_back(chunk(json::object{{"content", getStringView(*delta, "text").value_or("")}}));
    } else if (type == "input_json_delta") {
      const auto it = tool_index_.find(index);
      if (it == tool_index_.end()) {
        return makeError(ErrorCode::UpstreamError, "input_json_delta for an unknown content block");
      }
      const auto piece = getStringView(*delta, "partial_json").value_or("");
      if (!piece.empty()) {
        json::object call{{"index", it->second}, {"function", json::object{{"arguments", piece}}}};
        out.push_back(chunk(json::object{{"tool_calls", json::array{std::move(call)}}}));
      }
    } else if (type == "thinking_delta") {
      out.push_back(chunk(
          json::object{{"reasoning_content", getStringView(*delta, "thinking").value_or("")}}));
    } else if (type != "signature_delta") {
      ++skipped_;
    }
    return {};
  }

  RequestOptions options_;
  std::string id_;
  std::string model_;
  std::string finish_reason_;
  std::map<std::int64_t, std::int64_t> tool_index_;  ///< content block index -> tool call index
};

/// Messages passthrough: Anthropic event data objects unchanged, usage recorded.
class PassthroughStreamTranslator final : public AnthropicSseTranslator {
protected:
  Result<void> handle(std::string_view /*type*/, json::object& data,
                      std::vector<json::object>& out) override {
    out.push_back(std::move(data));
    return {};
  }
};

std::string messagesUrl(const ProviderConfig& provider, std::string_view path) {
  std::string_view base = provider.base_url;
  while (!base.empty() && base.back() == '/') {
    base.remove_suffix(1);
  }
  // Accept a base URL given with or without the /v1 suffix.
  if (base.size() >= 3 && base.substr(base.size() - 3) == "/v1") {
    base.remove_suffix(3);
  }
  return joinUrl(base, path);
}

}  // namespace

Result<UpstreamRequest> AnthropicAdapter::buildRequest(Operation op, const json::object& body,
                                                       const ProviderConfig& provider,
                                                       const RequestOptions& options) const {
  UpstreamRequest req;
  if (!provider.api_key.empty()) {
    req.headers.emplace_back("x-api-key", provider.api_key);
  }
  req.headers.emplace_back(
      "anthropic-version",
      std::string(getStringView(provider.config, "anthropic_version").value_or(kApiVersion)));
  if (auto beta = getStringView(provider.config, "anthropic_beta"); beta && !beta->empty()) {
    req.headers.emplace_back("anthropic-beta", std::string(*beta));
  }
  switch (op) {
    case Operation::ListModels:
      req.method = "GET";
      req.url = messagesUrl(provider, "/v1/models");
      appendExtraHeaders(req.headers, provider);
      return req;
    case Operation::Messages:
      req.body = toJson(body);
      req.stream = getBool(body, "stream").value_or(false);
      break;
    case Operation::ChatCompletions: {
      auto translated = chatToMessagesRequest(
          body, getInt(provider.config, "default_max_tokens").value_or(kDefaultMaxTokens));
      if (!translated) {
        Error e = translated.error();
        e.provider = provider.name;
        return e;
      }
      if (options.stream) {
        (*translated)["stream"] = true;
      }
      req.stream = getBool(*translated, "stream").value_or(false);
      req.body = toJson(*translated);
      break;
    }
    case Operation::Completions:
    case Operation::Embeddings:
      return unsupported(
          std::string(op == Operation::Completions ? "legacy completions" : "embeddings") +
              " are not offered by Anthropic",
          "model");
  }
  req.url = messagesUrl(provider, "/v1/messages");
  req.headers.emplace_back("Content-Type", "application/json");
  appendExtraHeaders(req.headers, provider);
  return req;
}

Result<ParsedResponse> AnthropicAdapter::parseResponse(Operation op,
                                                       const UpstreamResponse& response,
                                                       const RequestOptions& options) const {
  auto parsed = parseUpstreamJson(response.body);
  if (!parsed) {
    return parsed.error();
  }
  switch (op) {
    case Operation::ChatCompletions: return messagesToChatResponse(*parsed, options.unix_time);
    case Operation::Messages: {
      ParsedResponse out;
      if (const auto* usage = getObject(*parsed, "usage")) {
        out.usage = usageFromAnthropic(*usage);
      }
      out.body = std::move(*parsed);
      return out;
    }
    case Operation::ListModels: {
      json::array data;
      if (const auto* models = getArray(*parsed, "data")) {
        for (const auto& m : *models) {
          const auto* model = m.if_object();
          if (!model) {
            continue;
          }
          json::object entry{
              {"id", getStringView(*model, "id").value_or("")},
              {"object", "model"},
              {"created",
               parseRfc3339(getStringView(*model, "created_at").value_or("")).value_or(0)},
              {"owned_by", "anthropic"}};
          if (auto name = getStringView(*model, "display_name")) {
            entry["display_name"] = *name;
          }
          data.push_back(std::move(entry));
        }
      }
      ParsedResponse out;
      out.body = json::object{{"object", "list"}, {"data", std::move(data)}};
      return out;
    }
    case Operation::Completions:
    case Operation::Embeddings: break;
  }
  return makeError(ErrorCode::Unsupported, "operation not offered by Anthropic");
}

StreamTranslatorPtr AnthropicAdapter::newStreamTranslator(Operation op,
                                                          const RequestOptions& options) const {
  if (op == Operation::Messages) {
    return std::make_unique<PassthroughStreamTranslator>();
  }
  return std::make_unique<ChatStreamTranslator>(options);
}

Error AnthropicAdapter::mapError(const UpstreamResponse& response) const {
  std::string message = "the provider answered HTTP " + std::to_string(response.status);
  if (auto body = parseJson(response.body)) {
    if (auto m = openAiErrorMessage(*body)) {
      message = std::move(*m);
    }
  }
  return upstreamError(response, std::move(message));
}

AdapterPtr makeAnthropicAdapter() {
  return std::make_unique<AnthropicAdapter>();
}

}  // namespace gw::providers::anthropic
