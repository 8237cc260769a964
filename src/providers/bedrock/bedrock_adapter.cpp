#include "providers/bedrock/bedrock_adapter.hpp"

#include <string>

#include "providers/adapter_util.hpp"
#include "providers/bedrock/converse.hpp"
#include "providers/bedrock/sigv4.hpp"

namespace gw::providers::bedrock {

namespace {

constexpr std::size_t kMaxErrorMessage = 500;

std::string configString(const ProviderConfig& p, std::string_view key) {
  const auto v = getStringView(p.config, key);
  return v ? std::string(*v) : std::string();
}

Error configError(const ProviderConfig& p, std::string message) {
  // Retryable (no upstream status): a misconfigured provider should let routing fall back.
  Error e;
  e.code = ErrorCode::UpstreamError;
  e.message = "bedrock provider misconfigured: " + std::move(message);
  e.provider = p.name;
  return e;
}

std::string replaceAll(std::string s, std::string_view from, std::string_view to) {
  for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
  }
  return s;
}

/// Where a request goes and how it is authenticated.
struct Target {
  std::string region;
  std::string runtime_base;
  std::string control_base;
  sigv4::Credentials credentials;
  bool bearer = false;  ///< Bedrock API key instead of SigV4
};

Result<Target> resolveTarget(const ProviderConfig& p) {
  Target t;
  t.region = configString(p, "region");
  t.credentials.access_key_id = configString(p, "access_key_id");
  t.credentials.secret_access_key = configString(p, "secret_access_key");
  t.credentials.session_token = configString(p, "session_token");
  if (t.credentials.secret_access_key.empty()) {
    t.credentials.secret_access_key = p.api_key;
  }
  t.bearer = t.credentials.access_key_id.empty();
  if (t.bearer && p.api_key.empty()) {
    return configError(p, "needs config.access_key_id and a secret, or a Bedrock API key");
  }
  if (t.region.empty() && (p.base_url.empty() || !t.bearer)) {
    return configError(p, "config.region is required");
  }
  if (p.base_url.empty()) {
    t.runtime_base = "https://bedrock-runtime." + t.region + ".amazonaws.com";
    t.control_base = "https://bedrock." + t.region + ".amazonaws.com";
  } else {
    t.runtime_base = replaceAll(p.base_url, "{region}", t.region);
    t.control_base = replaceAll(t.runtime_base, "://bedrock-runtime.", "://bedrock.");
  }
  return t;
}

Result<void> authenticate(UpstreamRequest& req, const Target& t, const ProviderConfig& p,
                          std::string_view service, const RequestOptions& options) {
  if (t.bearer) {
    req.headers.emplace_back("authorization", "Bearer " + p.api_key);
    return {};
  }
  if (options.unix_time <= 0) {
    // A bug in the caller, not a provider problem: SigV4 needs the current time.
    return Error::internal("bedrock: RequestOptions::unix_time must be set to sign requests");
  }
  sigv4::SignInput in;
  in.method = req.method;
  in.url = req.url;
  in.body = req.body;
  in.region = t.region;
  in.service = service;
  in.unix_time = options.unix_time;
  in.add_content_sha256 = true;
  auto sig = sigv4::sign(in, t.credentials);
  if (!sig) {
    return sig.error();
  }
  for (auto& h : sig->headers) {
    req.headers.push_back(std::move(h));
  }
  return {};
}

std::string truncate(std::string s) {
  if (s.size() > kMaxErrorMessage) {
    s.resize(kMaxErrorMessage);
    s += "...";
  }
  return s;
}

class BedrockAdapter final : public Adapter {
public:
  std::string_view family() const override { return "bedrock"; }

  Result<UpstreamRequest> buildRequest(Operation op, const json::object& body,
                                       const ProviderConfig& provider,
                                       const RequestOptions& options) const override {
    switch (op) {
      case Operation::ChatCompletions: return buildChat(body, provider, options);
      case Operation::ListModels: return buildListModels(provider, options);
      case Operation::Embeddings:
        return unsupported("embeddings (Bedrock embeddings use InvokeModel per model family)");
      case Operation::Completions:
        return unsupported("legacy completions (use chat completions)");
      case Operation::Messages: return unsupported("Anthropic Messages passthrough");
    }
    return unsupported("operation");
  }

  Result<ParsedResponse> parseResponse(Operation op, const UpstreamResponse& response,
                                       const RequestOptions& options) const override {
    switch (op) {
      case Operation::ChatCompletions: return converse::fromConverseResponse(response, options);
      case Operation::ListModels: return converse::fromFoundationModels(response);
      case Operation::Embeddings:
      case Operation::Completions:
      case Operation::Messages: break;
    }
    return unsupported("operation");
  }

  StreamTranslatorPtr newStreamTranslator(Operation /*op*/,
                                          const RequestOptions& options) const override {
    return converse::newStreamTranslator(options);
  }

  Error mapError(const UpstreamResponse& response) const override {
    // Bedrock errors: {"message": "..."} with the type in x-amzn-ErrorType ("Type:namespace").
    std::string type;
    if (const auto* h = findHeader(response.headers, "x-amzn-errortype")) {
      type = h->substr(0, h->find(':'));
    }
    std::string message;
    if (auto body = parseJson(response.body)) {
      message = openAiErrorMessage(*body).value_or("");
      if (type.empty() && body->is_object()) {
        type = std::string(getStringView(body->get_object(), "__type").value_or(""));
      }
    }
    if (message.empty()) {
      message = "HTTP " + std::to_string(response.status);
    }
    return upstreamError(response,
                         truncate("bedrock: " + (type.empty() ? "" : type + ": ") + message));
  }

private:
  static Error unsupported(std::string what) {
    Error e;
    e.code = ErrorCode::Unsupported;
    e.message = "bedrock: " + std::move(what) + " is not supported";
    return e;
  }

  static Result<UpstreamRequest> buildChat(const json::object& body,
                                           const ProviderConfig& provider,
                                           const RequestOptions& options) {
    const auto model = getStringView(body, "model");
    if (!model || model->empty()) {
      return Error::invalid("model is required", "model");
    }
    auto target = resolveTarget(provider);
    if (!target) {
      return target.error();
    }
    auto converse_body = converse::toConverseRequest(body);
    if (!converse_body) {
      return converse_body.error();
    }
    UpstreamRequest req;
    req.method = "POST";
    req.stream = options.stream;
    const std::string_view action = options.stream ? "/converse-stream" : "/converse";
    req.url = joinUrl(target->runtime_base,
                      "/model/" + sigv4::uriEncode(*model, false) + std::string(action));
    req.body = toJson(*converse_body);
    req.headers.emplace_back("content-type", "application/json");
    req.headers.emplace_back(
        "accept", options.stream ? "application/vnd.amazon.eventstream" : "application/json");
    if (auto r = authenticate(req, *target, provider, "bedrock", options); !r) {
      return r.error();
    }
    appendExtraHeaders(req.headers, provider);
    return req;
  }

  static Result<UpstreamRequest> buildListModels(const ProviderConfig& provider,
                                                 const RequestOptions& options) {
    auto target = resolveTarget(provider);
    if (!target) {
      return target.error();
    }
    UpstreamRequest req;
    req.method = "GET";
    req.url = joinUrl(target->control_base, "/foundation-models");
    req.headers.emplace_back("accept", "application/json");
    if (auto r = authenticate(req, *target, provider, "bedrock", options); !r) {
      return r.error();
    }
    appendExtraHeaders(req.headers, provider);
    return req;
  }
};

}  // namespace

AdapterPtr makeBedrockAdapter() { return std::make_unique<BedrockAdapter>(); }

}  // namespace gw::providers::bedrock
