#include "providers/gemini/gemini_adapter.hpp"

#include <string>

#include "providers/adapter_util.hpp"
#include "providers/gemini/gemini_translate.hpp"

namespace gw::providers::gemini {

namespace {

constexpr std::string_view kDefaultBase = "https://generativelanguage.googleapis.com";
constexpr std::size_t kMaxErrorMessage = 500;

Error unsupported(std::string what, std::string param = {}) {
  Error e;
  e.code = ErrorCode::Unsupported;
  e.message = "gemini: " + std::move(what) + " is not supported";
  e.param = std::move(param);
  return e;
}

std::string baseUrl(const ProviderConfig& p) {
  return p.base_url.empty() ? std::string(kDefaultBase) : p.base_url;
}

/// The model id without a "models/" prefix.
Result<std::string> modelId(const json::object& body) {
  auto model = getStringView(body, "model");
  if (!model || model->empty()) {
    return Error::invalid("model is required", "model");
  }
  if (model->rfind("models/", 0) == 0) {
    model->remove_prefix(7);
  }
  return std::string(*model);
}

UpstreamRequest newRequest(std::string method, std::string url, const ProviderConfig& p) {
  UpstreamRequest req;
  req.method = std::move(method);
  req.url = std::move(url);
  if (req.method == "POST") {
    req.headers.emplace_back("content-type", "application/json");
  }
  req.headers.emplace_back("x-goog-api-key", p.api_key);
  appendExtraHeaders(req.headers, p);
  return req;
}

/// OpenAI embeddings `input` -> embedContent (one string) or batchEmbedContents (an array).
/// https://ai.google.dev/api/embeddings
Result<UpstreamRequest> buildEmbeddings(const json::object& body, const ProviderConfig& p) {
  auto model = modelId(body);
  if (!model) {
    return model.error();
  }
  const auto* input = body.if_contains("input");
  if (input == nullptr) {
    return Error::invalid("input is required", "input");
  }
  const auto dimensions = getInt(body, "dimensions");
  auto request = [&](std::string_view text) {
    json::object r{{"content", json::object{{"parts", json::array{json::object{{"text", text}}}}}}};
    if (dimensions) {
      r["outputDimensionality"] = *dimensions;
    }
    return r;
  };
  const std::string base = joinUrl(baseUrl(p), "/v1beta/models/" + *model);
  if (const auto* s = input->if_string()) {
    auto req = newRequest("POST", base + ":embedContent", p);
    req.body = toJson(request(*s));
    return req;
  }
  const auto* arr = input->if_array();
  if (arr == nullptr || arr->empty()) {
    return Error::invalid("input must be a string or a non-empty array of strings", "input");
  }
  json::array requests;
  for (std::size_t i = 0; i < arr->size(); ++i) {
    const auto* s = (*arr)[i].if_string();
    if (s == nullptr) {
      return unsupported("token-array embedding input", "input[" + std::to_string(i) + "]");
    }
    auto r = request(*s);
    r["model"] = "models/" + *model;
    requests.push_back(std::move(r));
  }
  auto req = newRequest("POST", base + ":batchEmbedContents", p);
  req.body = toJson(json::object{{"requests", std::move(requests)}});
  return req;
}

Result<ParsedResponse> parseEmbeddings(const UpstreamResponse& response,
                                       const RequestOptions& options) {
  auto body = parseUpstreamJson(response.body);
  if (!body) {
    return body.error();
  }
  json::array vectors;
  if (const auto* one = getObject(*body, "embedding")) {
    vectors.push_back(*one);
  } else if (const auto* many = getArray(*body, "embeddings")) {
    vectors = *many;
  } else {
    Error e;
    e.code = ErrorCode::UpstreamError;
    e.message = "gemini: embeddings response has no embedding";
    return e;
  }
  json::array data;
  for (std::size_t i = 0; i < vectors.size(); ++i) {
    const auto* v = vectors[i].if_object();
    const auto* values = v ? getArray(*v, "values") : nullptr;
    data.push_back(json::object{{"object", "embedding"},
                                {"index", i},
                                {"embedding", values ? *values : json::array{}}});
  }
  ParsedResponse out;  // Gemini reports no token counts for embeddings: usage stays unknown.
  out.body = json::object{{"object", "list"},
                          {"data", std::move(data)},
                          {"model", options.public_model},
                          {"usage", json::object{{"prompt_tokens", 0}, {"total_tokens", 0}}}};
  return out;
}

Result<ParsedResponse> parseModels(const UpstreamResponse& response) {
  auto body = parseUpstreamJson(response.body);
  if (!body) {
    return body.error();
  }
  json::array data;
  if (const auto* models = getArray(*body, "models")) {
    for (const auto& v : *models) {
      const auto* m = v.if_object();
      auto name = m ? getStringView(*m, "name") : std::nullopt;
      if (!name) {
        continue;
      }
      if (name->rfind("models/", 0) == 0) {
        name->remove_prefix(7);
      }
      data.push_back(
          json::object{{"id", *name}, {"object", "model"}, {"created", 0}, {"owned_by", "google"}});
    }
  }
  ParsedResponse out;
  out.body = json::object{{"object", "list"}, {"data", std::move(data)}};
  return out;
}

class GeminiAdapter final : public Adapter {
public:
  std::string_view family() const override { return "gemini"; }

  Result<UpstreamRequest> buildRequest(Operation op, const json::object& body,
                                       const ProviderConfig& provider,
                                       const RequestOptions& options) const override {
    switch (op) {
      case Operation::ChatCompletions: return buildChat(body, provider, options);
      case Operation::Embeddings: return buildEmbeddings(body, provider);
      case Operation::ListModels:
        return newRequest("GET", joinUrl(baseUrl(provider), "/v1beta/models?pageSize=1000"),
                          provider);
      case Operation::Completions: return unsupported("legacy completions");
      case Operation::Messages: return unsupported("Anthropic Messages passthrough");
    }
    return unsupported("operation");
  }

  Result<ParsedResponse> parseResponse(Operation op, const UpstreamResponse& response,
                                       const RequestOptions& options) const override {
    switch (op) {
      case Operation::ChatCompletions: return translate::fromGenerateContent(response, options);
      case Operation::Embeddings: return parseEmbeddings(response, options);
      case Operation::ListModels: return parseModels(response);
      case Operation::Completions:
      case Operation::Messages: break;
    }
    return unsupported("operation");
  }

  StreamTranslatorPtr newStreamTranslator(Operation /*op*/,
                                          const RequestOptions& options) const override {
    return translate::newStreamTranslator(options);
  }

  /// Google's error shape: {"error":{"code":400,"message":"...","status":"INVALID_ARGUMENT"}}.
  Error mapError(const UpstreamResponse& response) const override {
    std::string message;
    std::string status;
    if (auto body = parseJson(response.body)) {
      message = openAiErrorMessage(*body).value_or("");
      const auto* err = body->is_object() ? getObject(body->get_object(), "error") : nullptr;
      status = err ? std::string(getStringView(*err, "status").value_or("")) : "";
    }
    if (message.empty()) {
      message = "HTTP " + std::to_string(response.status);
    }
    std::string text = "gemini: " + (status.empty() ? "" : status + ": ") + message;
    if (text.size() > kMaxErrorMessage) {
      text.resize(kMaxErrorMessage);
      text += "...";
    }
    return upstreamError(response, std::move(text));
  }

private:
  static Result<UpstreamRequest> buildChat(const json::object& body,
                                           const ProviderConfig& provider,
                                           const RequestOptions& options) {
    auto model = modelId(body);
    if (!model) {
      return model.error();
    }
    auto native = translate::toGenerateContent(body);
    if (!native) {
      return native.error();
    }
    const std::string_view method =
        options.stream ? ":streamGenerateContent?alt=sse" : ":generateContent";
    const std::string path = "/v1beta/models/" + *model + std::string(method);
    auto req = newRequest("POST", joinUrl(baseUrl(provider), path), provider);
    req.stream = options.stream;
    req.body = toJson(*native);
    return req;
  }
};

}  // namespace

AdapterPtr makeGeminiAdapter() { return std::make_unique<GeminiAdapter>(); }

}  // namespace gw::providers::gemini
