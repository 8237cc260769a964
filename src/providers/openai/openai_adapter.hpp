#pragma once

#include <string>
#include <string_view>

#include "providers/provider.hpp"

namespace gw::providers::openai {

/// The OpenAI-compatible family: OpenAI itself and every provider that speaks its wire format
/// (DeepSeek, Mistral, Groq, Qwen, Ollama, vLLM, ...). Bodies pass through untouched except
/// that a streaming request to a provider with `flags.stream_options` asks for usage
/// (`stream_options.include_usage = true`), so usage is always known; the translator then hides
/// the usage-only chunk from a client that did not ask for it.
/// Stateless; thread-safe.
class OpenAiAdapter : public Adapter {
public:
  std::string_view family() const override { return "openai"; }
  Result<UpstreamRequest> buildRequest(Operation op, const json::object& body,
                                       const ProviderConfig& provider,
                                       const RequestOptions& options) const override;
  Result<ParsedResponse> parseResponse(Operation op, const UpstreamResponse& response,
                                       const RequestOptions& options) const override;
  StreamTranslatorPtr newStreamTranslator(Operation op,
                                          const RequestOptions& options) const override;
  /// OpenAI error shape {"error":{"message","type","param","code"}} (and the looser shapes of
  /// compatible providers); keeps the upstream status and message, Retry-After and `param`.
  Error mapError(const UpstreamResponse& response) const override;

protected:
  /// The absolute URL of `op`; Unsupported when the provider lacks that endpoint.
  virtual Result<std::string> endpointUrl(Operation op, const json::object& body,
                                          const ProviderConfig& provider) const;
  /// Adds the credential header: `Authorization: Bearer <key>`, or `<auth_header>: <key>`.
  virtual void addAuth(Headers& headers, const ProviderConfig& provider) const;
};

/// A new OpenAI-compatible adapter.
AdapterPtr makeOpenAiAdapter();

}  // namespace gw::providers::openai
