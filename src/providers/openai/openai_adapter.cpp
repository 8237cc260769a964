#include "providers/openai/openai_adapter.hpp"


#include "core/text.hpp"
#include "http/sse/sse_parser.hpp"
#include "providers/adapter_util.hpp"

namespace gw::providers::openai {

namespace {

using http::sse::SseEvent;

Error unsupportedOperation(std::string_view what, const ProviderConfig& provider) {
  Error e =
      makeError(ErrorCode::Unsupported,
                std::string(what) + " is not offered by provider type '" + provider.type + "'");
  e.provider = provider.name;
  return e;
}

/// Translates OpenAI-compatible SSE into the same chunks: the gateway only observes usage and
/// drops what the client did not ask for.
/// https://platform.openai.com/docs/api-reference/chat-streaming
class OpenAiStreamTranslator final : public SseStreamTranslator {
public:
  explicit OpenAiStreamTranslator(const RequestOptions& options)
      : include_usage_(options.include_usage), text_mode_(options.passthrough_ok) {}

  const Usage& usage() const override { return usage_; }
  std::size_t skippedEvents() const override { return skipped_; }
  std::string takeText() override { return std::exchange(text_, std::string()); }

private:
  Result<void> handleEvents(std::vector<SseEvent>& events,
                            std::vector<json::object>& out) override {
    std::vector<json::object> rebuilt;  // text mode: events that had to change
    for (auto& ev : events) {
      if (done_) {
        ++skipped_;
        continue;
      }
      if (ev.data == "[DONE]") {
        done_ = true;
        continue;
      }
      if (ev.data.empty()) {
        ++skipped_;
        continue;
      }
      if (text_mode_) {
        auto passed = passThrough(ev.data);
        if (!passed) {
          return passed.error();
        }
        if (*passed) {
          continue;
        }
        // Changes needed (or an error event): the DOM path below, then written as text.
        auto r = handleEvent(ev.data, rebuilt);
        if (!r) {
          return r;
        }
        for (auto& chunk : rebuilt) {
          text_ += http::sse::formatSseData(json::serialize(chunk));
        }
        rebuilt.clear();
        continue;
      }
      auto r = handleEvent(ev.data, out);
      if (!r) {
        return r;
      }
    }
    return {};
  }

  /// Text mode: appends the event unchanged when it needs no change (the common case) and
  /// returns true; false when it must go through the DOM path (an error, a `usage: null` to
  /// strip, data spread over several lines).
  Result<bool> passThrough(const std::string& data) {
    if (data.find('\n') != std::string::npos) {
      return false;
    }
    auto facts = scanOpenAiChunk(data);
    if (!facts) {
      return makeError(ErrorCode::UpstreamError, "the provider streamed malformed JSON");
    }
    if (facts->error || (facts->usage_null && !include_usage_)) {
      return false;
    }
    const bool usage_only = facts->usage.known && facts->choices <= 0;
    if (facts->usage.known) {
      usage_ = facts->usage;
    }
    if (usage_only && !include_usage_) {
      return true;  // asked for by the gateway only: dropped
    }
    if (!usage_only && facts->choices == 0) {
      ++skipped_;  // annotation-only, see isAnnotationOnly
      return true;
    }
    text_ += http::sse::formatSseData(data);
    return true;
  }

  /// The DOM path for one event: appends the chunk to send, if any, to `out`.
  Result<void> handleEvent(const std::string& data, std::vector<json::object>& out) {
    auto parsed = parseJson(data);
    if (!parsed || !parsed->is_object()) {
      return makeError(ErrorCode::UpstreamError, "the provider streamed malformed JSON");
    }
    auto& chunk = parsed->as_object();
    if (const auto* err = chunk.if_contains("error"); err && !err->is_null()) {
      Error e =
          makeError(ErrorCode::UpstreamError,
                    redactSecrets(openAiErrorMessage(chunk).value_or("upstream stream error")));
      return e;
    }
    bool usage_only = false;
    if (const auto* u = chunk.if_contains("usage")) {
      if (u->is_object()) {
        usage_ = usageFromOpenAi(u->get_object());
        const auto* choices = getArray(chunk, "choices");
        usage_only = choices == nullptr || choices->empty();
      } else if (u->is_null() && !include_usage_) {
        chunk.erase("usage");  // present only because the gateway asked for usage
      }
    }
    if (usage_only && !include_usage_) {
      return {};
    }
    if (!usage_only && isAnnotationOnly(chunk)) {
      // Azure opens a stream with a prompt-filter chunk: `choices: []`, `object: ""`, no
      // usage. OpenAI never sends one, and clients that read choices[0] break on it.
      ++skipped_;
      return {};
    }
    out.push_back(std::move(chunk));
    return {};
  }

  /// A chunk with an empty `choices` array and no usage: nothing for an OpenAI client.
  static bool isAnnotationOnly(const json::object& chunk) {
    const auto* choices = getArray(chunk, "choices");
    const auto* usage = chunk.if_contains("usage");
    return choices != nullptr && choices->empty() && (usage == nullptr || !usage->is_object());
  }

  bool include_usage_;
  bool text_mode_;
  std::string text_;
  Usage usage_;
  std::size_t skipped_ = 0;
  bool done_ = false;
};

}  // namespace

Result<std::string> OpenAiAdapter::endpointUrl(Operation op, const json::object& /*body*/,
                                               const ProviderConfig& provider) const {
  switch (op) {
    case Operation::ChatCompletions: return joinUrl(provider.base_url, "/chat/completions");
    case Operation::Completions:
      if (!provider.flags.completions) {
        return unsupportedOperation("the legacy completions endpoint", provider);
      }
      return joinUrl(provider.base_url, "/completions");
    case Operation::Embeddings:
      if (!provider.flags.embeddings) {
        return unsupportedOperation("embeddings", provider);
      }
      return joinUrl(provider.base_url, "/embeddings");
    case Operation::ListModels:
      if (!provider.flags.list_models) {
        return unsupportedOperation("a model list", provider);
      }
      return joinUrl(provider.base_url, "/models");
    case Operation::Messages:
      return unsupportedOperation("the Anthropic Messages format", provider);
  }
  return Error::internal("unknown operation");
}

void OpenAiAdapter::addAuth(Headers& headers, const ProviderConfig& provider) const {
  if (provider.api_key.empty()) {
    return;  // local servers (Ollama, vLLM) often need none
  }
  const auto& name = provider.flags.auth_header;
  if (name.empty() || iequalsAscii(name, "authorization")) {
    headers.emplace_back("Authorization", "Bearer " + provider.api_key);
  } else {
    headers.emplace_back(name, provider.api_key);
  }
}

Result<UpstreamRequest> OpenAiAdapter::buildRequest(Operation op, const json::object& body,
                                                    const ProviderConfig& provider,
                                                    const RequestOptions& options) const {
  auto url = endpointUrl(op, body, provider);
  if (!url) {
    return url.error();
  }
  UpstreamRequest req;
  req.url = std::move(*url);
  addAuth(req.headers, provider);
  if (op == Operation::ListModels) {
    req.method = "GET";
    appendExtraHeaders(req.headers, provider);
    return req;
  }
  req.headers.emplace_back("Content-Type", "application/json");
  appendExtraHeaders(req.headers, provider);
  const bool streaming =
      op != Operation::Embeddings && (options.stream || getBool(body, "stream").value_or(false));
  req.stream = streaming;
  if (streaming && provider.flags.stream_options) {
    json::object patched = body;
    auto& so = patched["stream_options"];
    if (!so.is_object()) {
      so = json::object{};
    }
    so.as_object()["include_usage"] = true;
    req.body = toJson(patched);
  } else if (!options.source_text.empty()) {
    req.body = std::string(options.source_text);
  } else {
    req.body = toJson(body);
  }
  return req;
}

Result<ParsedResponse> OpenAiAdapter::parseResponse(Operation op, const UpstreamResponse& response,
                                                    const RequestOptions& options) const {
  if (options.passthrough_ok &&
      (op == Operation::ChatCompletions || op == Operation::Completions)) {
    // The answer is already in the client's format: only its usage is read.
    auto usage = scanOpenAiUsage(response.body);
    if (!usage) {
      return usage.error();
    }
    ParsedResponse out;
    out.usage = *usage;
    out.passthrough = true;
    return out;
  }
  auto parsed = parseUpstreamJson(response.body);
  if (!parsed) {
    return parsed.error();
  }
  ParsedResponse out;
  out.body = std::move(*parsed);
  if (const auto* usage = getObject(out.body, "usage")) {
    out.usage = usageFromOpenAi(*usage);
  }
  if (op == Operation::ListModels) {
    // Some compatible servers omit "object"; clients expect the list shape.
    if (!getArray(out.body, "data")) {
      return makeError(ErrorCode::UpstreamError, "the provider's model list has no data array");
    }
    out.body["object"] = "list";
  }
  return out;
}

StreamTranslatorPtr OpenAiAdapter::newStreamTranslator(Operation /*op*/,
                                                       const RequestOptions& options) const {
  return std::make_unique<OpenAiStreamTranslator>(options);
}

Error OpenAiAdapter::mapError(const UpstreamResponse& response) const {
  std::string message = "the provider answered HTTP " + std::to_string(response.status);
  std::string param;
  if (auto body = parseJson(response.body)) {
    if (auto m = openAiErrorMessage(*body)) {
      message = std::move(*m);
    }
    if (const auto* o = body->if_object()) {
      if (const auto* err = getObject(*o, "error")) {
        if (auto p = getStringView(*err, "param")) {
          param = std::string(*p);
        }
      }
    }
  }
  Error e = upstreamError(response, std::move(message));
  e.param = std::move(param);
  return e;
}

AdapterPtr makeOpenAiAdapter() {
  return std::make_unique<OpenAiAdapter>();
}

}  // namespace gw::providers::openai
