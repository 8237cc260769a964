#include "providers/anthropic/ingress.hpp"

#include "providers/adapter_util.hpp"

namespace gw::providers::anthropic {

namespace {

std::string at(std::string_view base, std::size_t i) {
  return indexPath(base, i);
}

Error unsupported(std::string message, std::string param) {
  return makeError(ErrorCode::Unsupported, std::move(message), std::move(param));
}

/// Joins text blocks (or returns a string content as is); other blocks are an error.
Result<std::string> textOf(const json::value& content, const std::string& path) {
  if (content.is_string()) {
    return std::string(content.get_string());
  }
  if (!content.is_array()) {
    return Error::invalid(path + " must be a string or an array", path);
  }
  std::string text;
  const auto& blocks = content.get_array();
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    const auto* b = blocks[i].if_object();
    if (!b || getStringView(*b, "type") != "text") {
      return unsupported(at(path, i) + ": only text blocks are supported here", at(path, i));
    }
    if (!text.empty()) {
      text.push_back('\n');
    }
    text.append(getStringView(*b, "text").value_or(""));
  }
  return text;
}

Result<json::object> imagePart(const json::object& block, const std::string& path) {
  const auto* source = getObject(block, "source");
  if (!source) {
    return Error::invalid(path + ".source is required", path + ".source");
  }
  const auto type = getStringView(*source, "type").value_or("");
  std::string url;
  if (type == "base64") {
    url = "data:" + std::string(getStringView(*source, "media_type").value_or("image/png")) +
          ";base64," + std::string(getStringView(*source, "data").value_or(""));
  } else if (type == "url") {
    url = std::string(getStringView(*source, "url").value_or(""));
  } else {
    return unsupported(path + ".source.type '" + std::string(type) + "' is not supported",
                       path + ".source.type");
  }
  return json::object{{"type", "image_url"}, {"image_url", json::object{{"url", url}}}};
}

/// Appends the OpenAI messages for one Anthropic message.
Result<void> translateMessage(const json::object& msg, const std::string& path, json::array& out) {
  const auto role = getStringView(msg, "role").value_or("");
  if (role != "user" && role != "assistant") {
    return Error::invalid(path + ".role must be user or assistant", path + ".role");
  }
  const auto* content = msg.if_contains("content");
  if (!content) {
    return Error::invalid(path + ".content is required", path + ".content");
  }
  if (content->is_string()) {
    out.push_back(json::object{{"role", role}, {"content", content->get_string()}});
    return {};
  }
  if (!content->is_array()) {
    return Error::invalid(path + ".content must be a string or an array", path + ".content");
  }
  json::array parts;
  json::array tool_calls;
  bool only_text = true;
  std::string text;
  const auto& blocks = content->get_array();
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    const auto p = at(path + ".content", i);
    const auto* b = blocks[i].if_object();
    if (!b) {
      return Error::invalid(p + " must be an object", p);
    }
    const auto type = getStringView(*b, "type").value_or("");
    if (type == "text") {
      const auto t = getStringView(*b, "text").value_or("");
      parts.push_back(json::object{{"type", "text"}, {"text", t}});
      if (!text.empty()) {
        text.push_back('\n');
      }
      text.append(t);
    } else if (type == "image" && role == "user") {
      auto part = imagePart(*b, p);
      if (!part) {
        return part.error();
      }
      parts.push_back(std::move(*part));
      only_text = false;
    } else if (type == "tool_use" && role == "assistant") {
      const auto* input = b->if_contains("input");
      tool_calls.push_back(
          json::object{{"id", getStringView(*b, "id").value_or("")},
                       {"type", "function"},
                       {"function", json::object{{"name", getStringView(*b, "name").value_or("")},
                                                 {"arguments", input ? toJson(*input) : "{}"}}}});
    } else if (type == "tool_result" && role == "user") {
      // Tool results must directly follow the assistant's tool calls in OpenAI's format, so
      // they go before the rest of this user turn.
      std::string result;
      if (const auto* c = b->if_contains("content"); c && !c->is_null()) {
        auto t = textOf(*c, p + ".content");
        if (!t) {
          return t.error();
        }
        result = std::move(*t);
      }
      if (getBool(*b, "is_error") == true) {
        result = "Error: " + result;
      }
      out.push_back(json::object{{"role", "tool"},
                                 {"tool_call_id", getStringView(*b, "tool_use_id").value_or("")},
                                 {"content", result}});
    } else if (type == "thinking" || type == "redacted_thinking") {
      continue;  // provider-specific reasoning is not replayed to other providers
    } else {
      return unsupported(p + ".type '" + std::string(type) + "' is not supported", p + ".type");
    }
  }
  if (parts.empty() && tool_calls.empty()) {
    return {};
  }
  json::object m{{"role", role}};
  if (only_text) {
    // Plain strings reach every OpenAI-compatible server; some reject content arrays.
    m["content"] = parts.empty() ? json::value(nullptr) : json::value(text);
  } else {
    m["content"] = std::move(parts);
  }
  if (!tool_calls.empty()) {
    m["tool_calls"] = std::move(tool_calls);
  }
  out.push_back(std::move(m));
  return {};
}

Result<void> translateTools(const json::object& body, json::object& out) {
  if (const auto* tools = getArray(body, "tools")) {
    json::array result;
    for (std::size_t i = 0; i < tools->size(); ++i) {
      const auto p = at("tools", i);
      const auto* t = (*tools)[i].if_object();
      if (!t) {
        return Error::invalid(p + " must be an object", p);
      }
      if (auto type = getStringView(*t, "type"); type && *type != "custom") {
        return unsupported(p + ": server tool '" + std::string(*type) + "' is not supported",
                           p + ".type");
      }
      const auto name = getStringView(*t, "name");
      if (!name) {
        return Error::invalid(p + ".name is required", p + ".name");
      }
      json::object fn{{"name", *name}};
      if (auto d = getStringView(*t, "description")) {
        fn["description"] = *d;
      }
      if (const auto* schema = getObject(*t, "input_schema")) {
        fn["parameters"] = *schema;
      }
      result.push_back(json::object{{"type", "function"}, {"function", std::move(fn)}});
    }
    if (!result.empty()) {
      out["tools"] = std::move(result);
    }
  }
  if (const auto* tc = getObject(body, "tool_choice")) {
    const auto type = getStringView(*tc, "type").value_or("auto");
    if (type == "auto") {
      out["tool_choice"] = "auto";
    } else if (type == "any") {
      out["tool_choice"] = "required";
    } else if (type == "none") {
      out["tool_choice"] = "none";
    } else if (type == "tool") {
      out["tool_choice"] = json::object{
          {"type", "function"},
          {"function", json::object{{"name", getStringView(*tc, "name").value_or("")}}}};
    } else {
      return Error::invalid("tool_choice.type '" + std::string(type) + "' is not valid",
                            "tool_choice.type");
    }
    if (getBool(*tc, "disable_parallel_tool_use") == true && out.contains("tools")) {
      out["parallel_tool_calls"] = false;
    }
  }
  return {};
}

}  // namespace

Result<json::object> messagesToChatRequest(const json::object& body) {
  json::object out;
  const auto model = getStringView(body, "model");
  if (!model || model->empty()) {
    return Error::invalid("model is required", "model");
  }
  out["model"] = *model;
  const auto* messages = getArray(body, "messages");
  if (!messages) {
    return Error::invalid("messages must be an array", "messages");
  }
  json::array chat;
  if (const auto* system = body.if_contains("system"); system && !system->is_null()) {
    auto text = textOf(*system, "system");
    if (!text) {
      return text.error();
    }
    chat.push_back(json::object{{"role", "system"}, {"content", std::move(*text)}});
  }
  for (std::size_t i = 0; i < messages->size(); ++i) {
    const auto* m = (*messages)[i].if_object();
    if (!m) {
      return Error::invalid(at("messages", i) + " must be an object", at("messages", i));
    }
    if (auto r = translateMessage(*m, at("messages", i), chat); !r) {
      return r.error();
    }
  }
  out["messages"] = std::move(chat);
  if (auto max = getInt(body, "max_tokens")) {
    out["max_tokens"] = *max;
  }
  if (const auto* stop = getArray(body, "stop_sequences"); stop && !stop->empty()) {
    out["stop"] = *stop;
  }
  for (const char* key : {"temperature", "top_p"}) {
    if (const auto* v = body.if_contains(key); v && !v->is_null()) {
      out[key] = *v;
    }
  }
  if (const auto* meta = getObject(body, "metadata")) {
    if (auto user = getStringView(*meta, "user_id")) {
      out["user"] = *user;
    }
  }
  if (getBool(body, "stream") == true) {
    out["stream"] = true;
    out["stream_options"] = json::object{{"include_usage", true}};
  }
  if (auto r = translateTools(body, out); !r) {
    return r.error();
  }
  return out;
}

std::string_view stopReasonFor(std::string_view finish_reason) {
  if (finish_reason == "length") {
    return "max_tokens";
  }
  if (finish_reason == "tool_calls" || finish_reason == "function_call") {
    return "tool_use";
  }
  if (finish_reason == "content_filter") {
    return "refusal";
  }
  return "end_turn";
}

namespace {

std::string messageId(std::string_view id) {
  if (id.substr(0, 4) == "msg_") {
    return std::string(id);
  }
  return "msg_" + std::string(id);
}

json::object anthropicUsage(std::int64_t prompt, std::int64_t completion, std::int64_t cached) {
  json::object u{{"input_tokens", prompt - cached}, {"output_tokens", completion}};
  if (cached > 0) {
    u["cache_read_input_tokens"] = cached;
  }
  return u;
}

std::int64_t cachedOf(const json::object& usage) {
  if (const auto* d = getObject(usage, "prompt_tokens_details")) {
    return getInt(*d, "cached_tokens").value_or(0);
  }
  return 0;
}

}  // namespace

json::object chatResponseToMessages(const json::object& chat) {
  json::array content;
  std::string_view finish = "stop";
  if (const auto* choices = getArray(chat, "choices"); choices && !choices->empty()) {
    if (const auto* choice = (*choices)[0].if_object()) {
      finish = getStringView(*choice, "finish_reason").value_or("stop");
      if (const auto* msg = getObject(*choice, "message")) {
        if (auto text = getStringView(*msg, "content"); text && !text->empty()) {
          content.push_back(json::object{{"type", "text"}, {"text", *text}});
        }
        if (const auto* calls = getArray(*msg, "tool_calls")) {
          for (const auto& c : *calls) {
            const auto* call = c.if_object();
            const auto* fn = call ? getObject(*call, "function") : nullptr;
            if (!fn) {
              continue;
            }
            json::value input = json::object{};
            if (auto parsed = parseJson(getStringView(*fn, "arguments").value_or("{}"));
                parsed && parsed->is_object()) {
              input = std::move(*parsed);
            }
            content.push_back(json::object{{"type", "tool_use"},
                                           {"id", getStringView(*call, "id").value_or("")},
                                           {"name", getStringView(*fn, "name").value_or("")},
                                           {"input", std::move(input)}});
          }
        }
      }
    }
  }
  json::object usage = anthropicUsage(0, 0, 0);
  if (const auto* u = getObject(chat, "usage")) {
    usage = anthropicUsage(getInt(*u, "prompt_tokens").value_or(0),
                           getInt(*u, "completion_tokens").value_or(0), cachedOf(*u));
  }
  return json::object{{"id", messageId(getStringView(chat, "id").value_or(""))},
                      {"type", "message"},
                      {"role", "assistant"},
                      {"model", getStringView(chat, "model").value_or("")},
                      {"content", std::move(content)},
                      {"stop_reason", stopReasonFor(finish)},
                      {"stop_sequence", nullptr},
                      {"usage", std::move(usage)}};
}

json::object anthropicError(const Error& error) {
  std::string_view type = "api_error";
  switch (error.code) {
    case ErrorCode::InvalidRequest:
    case ErrorCode::Unsupported:
    case ErrorCode::MethodNotAllowed:
    case ErrorCode::Conflict: type = "invalid_request_error"; break;
    case ErrorCode::Unauthorized: type = "authentication_error"; break;
    case ErrorCode::Forbidden: type = "permission_error"; break;
    case ErrorCode::NotFound: type = "not_found_error"; break;
    case ErrorCode::PayloadTooLarge: type = "request_too_large"; break;
    case ErrorCode::RateLimited:
    case ErrorCode::BudgetExceeded: type = "rate_limit_error"; break;
    case ErrorCode::UpstreamError:
      if (error.upstream_status == 529) {
        type = "overloaded_error";
      } else if (error.upstream_status == 429) {
        type = "rate_limit_error";
      } else if (error.upstream_status == 400) {
        type = "invalid_request_error";
      }
      break;
    case ErrorCode::NoAvailableTarget:
    case ErrorCode::ServiceUnavailable: type = "overloaded_error"; break;
    case ErrorCode::UpstreamUnavailable:
    case ErrorCode::UpstreamTimeout:
    case ErrorCode::Internal: type = "api_error"; break;
  }
  return json::object{{"type", "error"},
                      {"error", json::object{{"type", type}, {"message", error.message}}}};
}

// ---- MessagesStreamEncoder ----------------------------------------------------------------

void MessagesStreamEncoder::start(const json::object& chunk, std::vector<AnthropicEvent>& out) {
  started_ = true;
  if (auto m = getStringView(chunk, "model"); m && !m->empty()) {
    model_ = std::string(*m);
  }
  json::object message{{"id", messageId(getStringView(chunk, "id").value_or(""))},
                       {"type", "message"},
                       {"role", "assistant"},
                       {"model", model_},
                       {"content", json::array{}},
                       {"stop_reason", nullptr},
                       {"stop_sequence", nullptr},
                       {"usage", anthropicUsage(0, 0, 0)}};
  out.emplace_back("message_start",
                   json::object{{"type", "message_start"}, {"message", std::move(message)}});
}

void MessagesStreamEncoder::openBlock(Block kind, json::object content_block,
                                      std::vector<AnthropicEvent>& out) {
  closeBlock(out);
  block_ = kind;
  ++block_index_;
  out.emplace_back("content_block_start",
                   json::object{{"type", "content_block_start"},
                                {"index", block_index_},
                                {"content_block", std::move(content_block)}});
}

void MessagesStreamEncoder::closeBlock(std::vector<AnthropicEvent>& out) {
  if (block_ == Block::None) {
    return;
  }
  out.emplace_back("content_block_stop",
                   json::object{{"type", "content_block_stop"}, {"index", block_index_}});
  block_ = Block::None;
}

void MessagesStreamEncoder::delta(json::object delta, std::vector<AnthropicEvent>& out,
                                  std::int64_t index) {
  out.emplace_back("content_block_delta", json::object{{"type", "content_block_delta"},
                                                       {"index", index < 0 ? block_index_ : index},
                                                       {"delta", std::move(delta)}});
}

std::vector<AnthropicEvent> MessagesStreamEncoder::onChunk(const json::object& chunk) {
  std::vector<AnthropicEvent> out;
  if (finished_) {
    return out;
  }
  if (!started_) {
    start(chunk, out);
  }
  if (const auto* u = getObject(chunk, "usage")) {
    input_tokens_ = getInt(*u, "prompt_tokens").value_or(input_tokens_);
    output_tokens_ = getInt(*u, "completion_tokens").value_or(output_tokens_);
    cached_tokens_ = cachedOf(*u);
  }
  const auto* choices = getArray(chunk, "choices");
  if (!choices || choices->empty() || !(*choices)[0].is_object()) {
    return out;
  }
  const auto& choice = (*choices)[0].get_object();
  if (const auto* d = getObject(choice, "delta")) {
    if (auto r = getStringView(*d, "reasoning_content"); r && !r->empty()) {
      if (block_ != Block::Thinking) {
        openBlock(Block::Thinking, json::object{{"type", "thinking"}, {"thinking", ""}}, out);
      }
      delta(json::object{{"type", "thinking_delta"}, {"thinking", *r}}, out);
    }
    if (auto text = getStringView(*d, "content"); text && !text->empty()) {
      if (block_ != Block::Text) {
        openBlock(Block::Text, json::object{{"type", "text"}, {"text", ""}}, out);
      }
      delta(json::object{{"type", "text_delta"}, {"text", *text}}, out);
    }
    if (const auto* calls = getArray(*d, "tool_calls")) {
      for (const auto& c : *calls) {
        const auto* call = c.if_object();
        if (!call) {
          continue;
        }
        const auto index = getInt(*call, "index").value_or(0);
        const auto* fn = getObject(*call, "function");
        if (!tool_blocks_.contains(index)) {
          openBlock(Block::Tool,
                    json::object{{"type", "tool_use"},
                                 {"id", getStringView(*call, "id").value_or("")},
                                 {"name", fn ? getStringView(*fn, "name").value_or("") : ""},
                                 {"input", json::object{}}},
                    out);
          tool_blocks_[index] = block_index_;
        }
        const auto args = fn ? getStringView(*fn, "arguments").value_or("") : "";
        if (!args.empty()) {
          // Pieces of an earlier call after another one started (rare) keep their own block
          // index rather than being lost.
          delta(json::object{{"type", "input_json_delta"}, {"partial_json", args}}, out,
                tool_blocks_[index]);
        }
      }
    }
  }
  if (auto reason = getStringView(choice, "finish_reason")) {
    stop_reason_ = std::string(stopReasonFor(*reason));
    closeBlock(out);
  }
  return out;
}

std::vector<AnthropicEvent> MessagesStreamEncoder::finish() {
  std::vector<AnthropicEvent> out;
  if (finished_) {
    return out;
  }
  if (!started_) {
    start(json::object{}, out);
  }
  closeBlock(out);
  finished_ = true;
  json::object usage = anthropicUsage(input_tokens_, output_tokens_, cached_tokens_);
  out.emplace_back(
      "message_delta",
      json::object{
          {"type", "message_delta"},
          {"delta", json::object{{"stop_reason", stop_reason_.empty() ? "end_turn" : stop_reason_},
                                 {"stop_sequence", nullptr}}},
          {"usage", std::move(usage)}});
  out.emplace_back("message_stop", json::object{{"type", "message_stop"}});
  return out;
}

}  // namespace gw::providers::anthropic
