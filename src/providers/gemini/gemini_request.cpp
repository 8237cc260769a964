#include <cctype>
#include <map>
#include <string>

#include "providers/adapter_util.hpp"
#include "providers/gemini/gemini_translate.hpp"

namespace gw::providers::gemini::translate {

namespace {

Error unsupported(std::string message, std::string param) {
  Error e;
  e.code = ErrorCode::Unsupported;
  e.message = "gemini: " + std::move(message);
  e.param = std::move(param);
  return e;
}

std::string indexed(std::string_view base, std::size_t i) {
  return std::string(base) + "[" + std::to_string(i) + "]";
}

/// MIME type from a URL's file extension; empty when unclear.
std::string mimeFromExtension(std::string_view url) {
  url = url.substr(0, url.find_first_of("?#"));
  const auto dot = url.rfind('.');
  if (dot == std::string_view::npos || url.find('/', dot) != std::string_view::npos) {
    return {};
  }
  std::string ext(url.substr(dot + 1));
  for (auto& c : ext) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  static const std::map<std::string, std::string, std::less<>> kTypes = {
      {"png", "image/png"},   {"jpg", "image/jpeg"},   {"jpeg", "image/jpeg"},
      {"webp", "image/webp"}, {"gif", "image/gif"},    {"heic", "image/heic"},
      {"heif", "image/heif"}, {"pdf", "application/pdf"}};
  const auto it = kTypes.find(ext);
  return it == kTypes.end() ? std::string() : it->second;
}

/// image_url -> inlineData (data: URL) or fileData (http(s) URL with a clear type).
Result<json::object> imagePart(std::string_view url, const std::string& param) {
  if (url.rfind("data:", 0) == 0) {
    const auto marker = url.find(";base64,");
    if (marker == std::string_view::npos) {
      return unsupported("data: URLs must be base64", param);
    }
    return json::object{{"inlineData", json::object{{"mimeType", url.substr(5, marker - 5)},
                                                    {"data", url.substr(marker + 8)}}}};
  }
  if (url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0) {
    const std::string mime = mimeFromExtension(url);
    if (mime.empty()) {
      return unsupported("cannot tell the MIME type of this image URL from its extension; "
                         "send a data: URL",
                         param);
    }
    return json::object{{"fileData", json::object{{"mimeType", mime}, {"fileUri", url}}}};
  }
  return Error::invalid("image_url.url must be a data: or http(s) URL", param);
}

/// OpenAI content (string or parts) -> Gemini parts.
Result<json::array> toParts(const json::value* content, const std::string& param,
                            bool allow_media) {
  json::array parts;
  if (content == nullptr || content->is_null()) {
    return parts;
  }
  if (const auto* s = content->if_string()) {
    if (!s->empty()) {
      parts.push_back(json::object{{"text", *s}});
    }
    return parts;
  }
  const auto* arr = content->if_array();
  if (arr == nullptr) {
    return Error::invalid("content must be a string or an array of parts", param);
  }
  for (std::size_t i = 0; i < arr->size(); ++i) {
    const std::string p = indexed(param, i);
    const auto* part = (*arr)[i].if_object();
    const auto type = part ? getStringView(*part, "type") : std::nullopt;
    if (!type) {
      return Error::invalid("content part needs a type", p);
    }
    if (*type == "text") {
      parts.push_back(json::object{{"text", getStringView(*part, "text").value_or("")}});
    } else if (*type == "image_url" && allow_media) {
      const auto* image = getObject(*part, "image_url");
      const auto url = image ? getStringView(*image, "url") : std::nullopt;
      if (!url) {
        return Error::invalid("image_url.url is required", p + ".image_url.url");
      }
      auto media = imagePart(*url, p + ".image_url.url");
      if (!media) {
        return media.error();
      }
      parts.push_back(std::move(*media));
    } else if (*type == "input_audio" && allow_media) {
      const auto* audio = getObject(*part, "input_audio");
      const auto data = audio ? getStringView(*audio, "data") : std::nullopt;
      const auto format = audio ? getStringView(*audio, "format") : std::nullopt;
      if (!data || !format) {
        return Error::invalid("input_audio needs data and format", p + ".input_audio");
      }
      parts.push_back(json::object{
          {"inlineData",
           json::object{{"mimeType", "audio/" + std::string(*format)}, {"data", *data}}}});
    } else {
      return unsupported("content part type '" + std::string(*type) + "'", p + ".type");
    }
  }
  return parts;
}

/// Plain text of OpenAI content (for tool results).
std::string contentText(const json::value* content) {
  if (content == nullptr) {
    return {};
  }
  if (const auto* s = content->if_string()) {
    return std::string(*s);
  }
  std::string text;
  if (const auto* arr = content->if_array()) {
    for (const auto& v : *arr) {
      if (const auto* part = v.if_object()) {
        text += getStringView(*part, "text").value_or("");
      }
    }
  }
  return text;
}

using ToolNames = std::map<std::string, std::string, std::less<>>;  ///< tool call id -> name

Result<void> addFunctionCalls(const json::array& calls, const std::string& param,
                              ToolNames& names, json::array& parts) {
  for (std::size_t i = 0; i < calls.size(); ++i) {
    const std::string p = indexed(param, i);
    const auto* call = calls[i].if_object();
    const auto* fn = call ? getObject(*call, "function") : nullptr;
    const auto name = fn ? getStringView(*fn, "name") : std::nullopt;
    if (!name) {
      return Error::invalid("tool call needs function.name", p + ".function.name");
    }
    if (const auto id = getStringView(*call, "id")) {
      names[std::string(*id)] = std::string(*name);
    }
    json::value args = json::object{};
    if (const auto text = getStringView(*fn, "arguments"); text && !text->empty()) {
      auto parsed = parseJson(*text);
      if (!parsed || !parsed->is_object()) {
        return Error::invalid("function.arguments must be a JSON object",
                              p + ".function.arguments");
      }
      args = std::move(*parsed);
    }
    parts.push_back(
        json::object{{"functionCall", json::object{{"name", *name}, {"args", std::move(args)}}}});
  }
  return {};
}

/// A tool result as a functionResponse part. Gemini wants an object: a JSON-object result is
/// sent as is, anything else as {"output": text}.
/// https://ai.google.dev/api/caching#FunctionResponse
json::object functionResponse(std::string_view name, const json::value* content) {
  const std::string text = contentText(content);
  json::value response = json::object{{"output", text}};
  if (auto parsed = parseJson(text); parsed && parsed->is_object()) {
    response = std::move(*parsed);
  }
  return json::object{
      {"functionResponse", json::object{{"name", name}, {"response", std::move(response)}}}};
}

Result<void> addMessages(const json::array& messages, json::object& out) {
  json::array system;
  json::array contents;
  ToolNames tool_names;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const std::string param = indexed("messages", i);
    const auto* msg = messages[i].if_object();
    const auto role = msg ? getStringView(*msg, "role") : std::nullopt;
    if (!role) {
      return Error::invalid("message needs a role", param + ".role");
    }
    const json::value* content = msg->if_contains("content");
    if (*role == "system" || *role == "developer") {
      auto parts = toParts(content, param + ".content", false);
      if (!parts) {
        return parts.error();
      }
      for (auto& p : *parts) {
        system.push_back(std::move(p));
      }
    } else if (*role == "user") {
      auto parts = toParts(content, param + ".content", true);
      if (!parts) {
        return parts.error();
      }
      appendMergedTurn(contents, "user", "parts", std::move(*parts));
    } else if (*role == "assistant") {
      auto parts = toParts(content, param + ".content", false);
      if (!parts) {
        return parts.error();
      }
      if (const auto* calls = getArray(*msg, "tool_calls")) {
        if (auto r = addFunctionCalls(*calls, param + ".tool_calls", tool_names, *parts); !r) {
          return r.error();
        }
      }
      appendMergedTurn(contents, "model", "parts", std::move(*parts));
    } else if (*role == "tool" || *role == "function") {
      std::string name;
      if (*role == "function") {
        name = std::string(getStringView(*msg, "name").value_or(""));
      } else if (const auto id = getStringView(*msg, "tool_call_id")) {
        const auto it = tool_names.find(*id);
        name = it == tool_names.end() ? std::string() : it->second;
      }
      if (name.empty()) {
        return Error::invalid("tool message does not answer an earlier assistant tool call",
                              param + ".tool_call_id");
      }
      appendMergedTurn(contents, "user", "parts", json::array{functionResponse(name, content)});
    } else {
      return unsupported("message role '" + std::string(*role) + "'", param + ".role");
    }
  }
  if (contents.empty()) {
    return Error::invalid("at least one user or assistant message is required", "messages");
  }
  out["contents"] = std::move(contents);
  if (!system.empty()) {
    out["systemInstruction"] = json::object{{"parts", std::move(system)}};
  }
  return {};
}

Result<void> addResponseFormat(const json::object& format, json::object& config) {
  const auto type = getStringView(format, "type").value_or("text");
  if (type == "text") {
    return {};
  }
  if (type == "json_object") {
    config["responseMimeType"] = "application/json";
    return {};
  }
  if (type == "json_schema") {
    const auto* spec = getObject(format, "json_schema");
    const auto* schema = spec ? getObject(*spec, "schema") : nullptr;
    config["responseMimeType"] = "application/json";
    if (schema != nullptr) {
      // responseJsonSchema takes JSON Schema as is (additionalProperties, $ref, ...), unlike
      // the OpenAPI-subset responseSchema.
      // https://ai.google.dev/api/generate-content#generationconfig
      config["responseJsonSchema"] = *schema;
    }
    return {};
  }
  return unsupported("response_format type '" + std::string(type) + "'",
                     "response_format.type");
}

Result<void> addGenerationConfig(const json::object& chat, json::object& out) {
  json::object config;
  if (const auto t = getNumber(chat, "temperature")) {
    config["temperature"] = *t;
  }
  if (const auto p = getNumber(chat, "top_p")) {
    config["topP"] = *p;
  }
  if (const auto k = getInt(chat, "top_k")) {
    config["topK"] = *k;
  }
  auto max_tokens = getInt(chat, "max_completion_tokens");
  if (!max_tokens) {
    max_tokens = getInt(chat, "max_tokens");
  }
  if (max_tokens) {
    config["maxOutputTokens"] = *max_tokens;
  }
  if (const auto n = getInt(chat, "n")) {
    config["candidateCount"] = *n;
  }
  if (const auto v = getNumber(chat, "presence_penalty")) {
    config["presencePenalty"] = *v;
  }
  if (const auto v = getNumber(chat, "frequency_penalty")) {
    config["frequencyPenalty"] = *v;
  }
  if (const auto v = getInt(chat, "seed")) {
    config["seed"] = *v;
  }
  if (const auto* stop = chat.if_contains("stop"); stop && !stop->is_null()) {
    if (stop->is_string()) {
      config["stopSequences"] = json::array{stop->as_string()};
    } else if (stop->is_array()) {
      config["stopSequences"] = stop->as_array();
    } else {
      return Error::invalid("stop must be a string or an array", "stop");
    }
  }
  if (const auto* format = getObject(chat, "response_format")) {
    if (auto r = addResponseFormat(*format, config); !r) {
      return r.error();
    }
  }
  if (!config.empty()) {
    out["generationConfig"] = std::move(config);
  }
  return {};
}

Result<json::object> functionCallingConfig(const json::value& choice) {
  if (const auto* s = choice.if_string()) {
    if (*s == "auto") {
      return json::object{{"mode", "AUTO"}};
    }
    if (*s == "none") {
      return json::object{{"mode", "NONE"}};
    }
    if (*s == "required") {
      return json::object{{"mode", "ANY"}};
    }
    return Error::invalid("unknown tool_choice '" + std::string(*s) + "'", "tool_choice");
  }
  const auto* o = choice.if_object();
  const auto* fn = o ? getObject(*o, "function") : nullptr;
  const auto name = fn ? getStringView(*fn, "name") : std::nullopt;
  if (!name) {
    return Error::invalid("tool_choice needs function.name", "tool_choice");
  }
  return json::object{{"mode", "ANY"}, {"allowedFunctionNames", json::array{*name}}};
}

Result<void> addTools(const json::object& chat, json::object& out) {
  if (const auto* tools = getArray(chat, "tools"); tools && !tools->empty()) {
    json::array declarations;
    for (std::size_t i = 0; i < tools->size(); ++i) {
      const std::string param = indexed("tools", i);
      const auto* tool = (*tools)[i].if_object();
      const auto type = tool ? getStringView(*tool, "type") : std::nullopt;
      if (type != "function") {
        return unsupported("tool type '" + std::string(type.value_or("")) + "'",
                           param + ".type");
      }
      const auto* fn = getObject(*tool, "function");
      const auto name = fn ? getStringView(*fn, "name") : std::nullopt;
      if (!name) {
        return Error::invalid("tool needs function.name", param + ".function.name");
      }
      json::object decl{{"name", *name}};
      if (const auto desc = getStringView(*fn, "description")) {
        decl["description"] = *desc;
      }
      if (const auto* params = getObject(*fn, "parameters")) {
        // parametersJsonSchema accepts full JSON Schema; `parameters` is an OpenAPI subset
        // that rejects additionalProperties, $schema, ...
        decl["parametersJsonSchema"] = *params;
      }
      declarations.push_back(std::move(decl));
    }
    out["tools"] = json::array{json::object{{"functionDeclarations", std::move(declarations)}}};
  }
  if (const auto* choice = chat.if_contains("tool_choice"); choice && !choice->is_null()) {
    auto config = functionCallingConfig(*choice);
    if (!config) {
      return config.error();
    }
    out["toolConfig"] = json::object{{"functionCallingConfig", std::move(*config)}};
  }
  return {};
}

}  // namespace

Result<json::object> toGenerateContent(const json::object& chat) {
  const auto* messages = getArray(chat, "messages");
  if (messages == nullptr) {
    return Error::invalid("messages must be an array", "messages");
  }
  json::object out;
  if (auto r = addMessages(*messages, out); !r) {
    return r.error();
  }
  if (auto r = addGenerationConfig(chat, out); !r) {
    return r.error();
  }
  if (auto r = addTools(chat, out); !r) {
    return r.error();
  }
  return out;
}

}  // namespace gw::providers::gemini::translate
