#include <string>

#include "providers/adapter_util.hpp"
#include "providers/bedrock/converse.hpp"

namespace gw::providers::bedrock::converse {

namespace {

Error unsupported(std::string message, std::string param) {
  Error e;
  e.code = ErrorCode::Unsupported;
  e.message = "bedrock: " + std::move(message);
  e.param = std::move(param);
  return e;
}

std::string at(std::string_view base, std::size_t i) {
  return std::string(base) + "[" + std::to_string(i) + "]";
}

/// A data: URL's image as a Converse image block; http(s) URLs are not expressible.
Result<json::object> imageBlock(std::string_view url, const std::string& param) {
  constexpr std::string_view kPrefix = "data:image/";
  const auto marker = url.find(";base64,");
  if (url.rfind(kPrefix, 0) != 0 || marker == std::string_view::npos) {
    return unsupported("only base64 data: image URLs are supported (Converse takes image "
                       "bytes, not links)",
                       param);
  }
  std::string format(url.substr(kPrefix.size(), marker - kPrefix.size()));
  if (format == "jpg") {
    format = "jpeg";
  }
  if (format != "png" && format != "jpeg" && format != "gif" && format != "webp") {
    return unsupported("image format '" + format + "' (png, jpeg, gif, webp only)", param);
  }
  json::object source{{"bytes", url.substr(marker + 8)}};
  return json::object{{"image", json::object{{"format", format}, {"source", std::move(source)}}}};
}

/// OpenAI message content (string or parts) -> Converse content blocks.
Result<json::array> contentBlocks(const json::value* content, const std::string& param,
                                  bool allow_images) {
  json::array blocks;
  if (content == nullptr || content->is_null()) {
    return blocks;
  }
  if (const auto* s = content->if_string()) {
    if (!s->empty()) {  // Converse rejects blank text blocks
      blocks.push_back(json::object{{"text", *s}});
    }
    return blocks;
  }
  const auto* parts = content->if_array();
  if (parts == nullptr) {
    return Error::invalid("content must be a string or an array of parts", param);
  }
  for (std::size_t i = 0; i < parts->size(); ++i) {
    const std::string part_param = at(param, i);
    const auto* part = (*parts)[i].if_object();
    const auto type = part ? getStringView(*part, "type") : std::nullopt;
    if (!type) {
      return Error::invalid("content part needs a type", part_param);
    }
    if (*type == "text") {
      const auto text = getStringView(*part, "text").value_or("");
      if (!text.empty()) {
        blocks.push_back(json::object{{"text", text}});
      }
    } else if (*type == "image_url" && allow_images) {
      const auto* image = getObject(*part, "image_url");
      const auto url = image ? getStringView(*image, "url") : std::nullopt;
      if (!url) {
        return Error::invalid("image_url.url is required", part_param + ".image_url.url");
      }
      auto block = imageBlock(*url, part_param + ".image_url.url");
      if (!block) {
        return block.error();
      }
      blocks.push_back(std::move(*block));
    } else {
      return unsupported("content part type '" + std::string(*type) + "'", part_param + ".type");
    }
  }
  return blocks;
}

Result<json::array> assistantToolUses(const json::array& calls, const std::string& param) {
  json::array blocks;
  for (std::size_t i = 0; i < calls.size(); ++i) {
    const std::string p = at(param, i);
    const auto* call = calls[i].if_object();
    const auto* fn = call ? getObject(*call, "function") : nullptr;
    const auto id = call ? getStringView(*call, "id") : std::nullopt;
    const auto name = fn ? getStringView(*fn, "name") : std::nullopt;
    if (!id || !name) {
      return Error::invalid("tool call needs id and function.name", p);
    }
    json::value input = json::object{};
    if (const auto args = getStringView(*fn, "arguments"); args && !args->empty()) {
      auto parsed = parseJson(*args);
      if (!parsed || !parsed->is_object()) {
        return Error::invalid("function.arguments must be a JSON object",
                              p + ".function.arguments");
      }
      input = std::move(*parsed);
    }
    json::object use{{"toolUseId", *id}, {"name", *name}, {"input", std::move(input)}};
    blocks.push_back(json::object{{"toolUse", std::move(use)}});
  }
  return blocks;
}

Result<json::object> toolResult(const json::object& msg, const std::string& param) {
  const auto id = getStringView(msg, "tool_call_id");
  if (!id) {
    return Error::invalid("tool message needs tool_call_id", param + ".tool_call_id");
  }
  auto blocks = contentBlocks(msg.if_contains("content"), param + ".content", false);
  if (!blocks) {
    return blocks.error();
  }
  if (blocks->empty()) {
    blocks->push_back(json::object{{"text", ""}});
  }
  return json::object{
      {"toolResult", json::object{{"toolUseId", *id}, {"content", std::move(*blocks)}}}};
}

Result<void> addMessages(const json::array& in, json::object& out, bool& has_tool_blocks) {
  json::array system;
  json::array messages;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const std::string param = at("messages", i);
    const auto* msg = in[i].if_object();
    const auto role = msg ? getStringView(*msg, "role") : std::nullopt;
    if (!role) {
      return Error::invalid("message needs a role", param + ".role");
    }
    if (*role == "system" || *role == "developer") {
      auto blocks = contentBlocks(msg->if_contains("content"), param + ".content", false);
      if (!blocks) {
        return blocks.error();
      }
      for (auto& b : *blocks) {
        system.push_back(std::move(b));
      }
    } else if (*role == "user") {
      auto blocks = contentBlocks(msg->if_contains("content"), param + ".content", true);
      if (!blocks) {
        return blocks.error();
      }
      appendMergedTurn(messages, "user", "content", std::move(*blocks));
    } else if (*role == "assistant") {
      auto blocks = contentBlocks(msg->if_contains("content"), param + ".content", false);
      if (!blocks) {
        return blocks.error();
      }
      if (const auto* calls = getArray(*msg, "tool_calls")) {
        auto uses = assistantToolUses(*calls, param + ".tool_calls");
        if (!uses) {
          return uses.error();
        }
        has_tool_blocks = has_tool_blocks || !uses->empty();
        for (auto& u : *uses) {
          blocks->push_back(std::move(u));
        }
      }
      appendMergedTurn(messages, "assistant", "content", std::move(*blocks));
    } else if (*role == "tool") {
      auto block = toolResult(*msg, param);
      if (!block) {
        return block.error();
      }
      has_tool_blocks = true;
      appendMergedTurn(messages, "user", "content", json::array{std::move(*block)});
    } else {
      return unsupported("message role '" + std::string(*role) + "'", param + ".role");
    }
  }
  if (messages.empty()) {
    return Error::invalid("at least one user or assistant message is required", "messages");
  }
  out["messages"] = std::move(messages);
  if (!system.empty()) {
    out["system"] = std::move(system);
  }
  return {};
}

Result<void> addInferenceConfig(const json::object& chat, json::object& out) {
  json::object config;
  std::optional<std::int64_t> max_tokens = getInt(chat, "max_completion_tokens");
  if (!max_tokens) {
    max_tokens = getInt(chat, "max_tokens");
  }
  if (max_tokens) {
    config["maxTokens"] = *max_tokens;
  }
  if (const auto t = getNumber(chat, "temperature")) {
    config["temperature"] = *t;
  }
  if (const auto p = getNumber(chat, "top_p")) {
    config["topP"] = *p;
  }
  if (const auto* stop = chat.if_contains("stop"); stop && !stop->is_null()) {
    json::array seqs;
    if (stop->is_string()) {
      seqs.push_back(stop->as_string());
    } else if (stop->is_array()) {
      seqs = stop->as_array();
    } else {
      return Error::invalid("stop must be a string or an array", "stop");
    }
    config["stopSequences"] = std::move(seqs);
  }
  if (!config.empty()) {
    out["inferenceConfig"] = std::move(config);
  }
  return {};
}

Result<json::object> toolChoice(const json::value& choice) {
  if (const auto* s = choice.if_string()) {
    if (*s == "auto") {
      return json::object{{"auto", json::object{}}};
    }
    if (*s == "required") {
      return json::object{{"any", json::object{}}};
    }
    return Error::invalid("unknown tool_choice '" + std::string(*s) + "'", "tool_choice");
  }
  const auto* o = choice.if_object();
  const auto* fn = o ? getObject(*o, "function") : nullptr;
  const auto name = fn ? getStringView(*fn, "name") : std::nullopt;
  if (!name) {
    return Error::invalid("tool_choice needs function.name", "tool_choice");
  }
  return json::object{{"tool", json::object{{"name", *name}}}};
}

Result<void> addTools(const json::object& chat, bool has_tool_blocks, json::object& out) {
  const auto* tools = getArray(chat, "tools");
  if (tools == nullptr || tools->empty()) {
    if (has_tool_blocks) {
      return Error::invalid("Converse needs `tools` when the conversation has tool calls",
                            "tools");
    }
    return {};
  }
  const auto* choice = chat.if_contains("tool_choice");
  const bool none = choice && choice->is_string() && choice->as_string() == "none";
  // Converse has no "none": drop the tools, unless earlier tool calls require the toolConfig.
  if (none && !has_tool_blocks) {
    return {};
  }
  json::array specs;
  for (std::size_t i = 0; i < tools->size(); ++i) {
    const std::string param = at("tools", i);
    const auto* tool = (*tools)[i].if_object();
    const auto type = tool ? getStringView(*tool, "type") : std::nullopt;
    if (type != "function") {
      return unsupported("tool type '" + std::string(type.value_or("")) + "'", param + ".type");
    }
    const auto* fn = getObject(*tool, "function");
    const auto name = fn ? getStringView(*fn, "name") : std::nullopt;
    if (!name) {
      return Error::invalid("tool needs function.name", param + ".function.name");
    }
    json::object spec{{"name", *name}};
    if (const auto desc = getStringView(*fn, "description")) {
      spec["description"] = *desc;
    }
    json::value schema = json::object{{"type", "object"}, {"properties", json::object{}}};
    if (const auto* params = getObject(*fn, "parameters")) {
      schema = *params;
    }
    spec["inputSchema"] = json::object{{"json", std::move(schema)}};
    specs.push_back(json::object{{"toolSpec", std::move(spec)}});
  }
  json::object config{{"tools", std::move(specs)}};
  if (choice && !choice->is_null() && !none) {
    auto c = toolChoice(*choice);
    if (!c) {
      return c.error();
    }
    config["toolChoice"] = std::move(*c);
  }
  out["toolConfig"] = std::move(config);
  return {};
}

}  // namespace

Result<json::object> toConverseRequest(const json::object& chat) {
  const auto* messages = getArray(chat, "messages");
  if (messages == nullptr) {
    return Error::invalid("messages must be an array", "messages");
  }
  if (const auto n = getInt(chat, "n"); n && *n != 1) {
    return unsupported("n > 1 (Converse returns one answer)", "n");
  }
  if (const auto* format = getObject(chat, "response_format")) {
    if (getStringView(*format, "type").value_or("text") != "text") {
      return unsupported("response_format other than text", "response_format");
    }
  }
  json::object out;
  bool has_tool_blocks = false;
  if (auto r = addMessages(*messages, out, has_tool_blocks); !r) {
    return r.error();
  }
  if (auto r = addInferenceConfig(chat, out); !r) {
    return r.error();
  }
  if (auto r = addTools(chat, has_tool_blocks, out); !r) {
    return r.error();
  }
  return out;
}

}  // namespace gw::providers::bedrock::converse
