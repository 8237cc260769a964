#pragma once

#include <string>
#include <string_view>

#include "providers/provider.hpp"

namespace gw::providers::anthropic {

/// `anthropic-version` sent unless `config.anthropic_version` overrides it.
inline constexpr std::string_view kApiVersion = "2023-06-01";
/// `max_tokens` is required by Anthropic; used when the client sets neither max_tokens nor
/// max_completion_tokens and `config.default_max_tokens` is absent.
inline constexpr std::int64_t kDefaultMaxTokens = 4096;

/// Anthropic Messages API (https://docs.anthropic.com/en/api/messages).
/// ChatCompletions are translated both ways; Messages passes the body through untouched (the
/// /v1/messages ingress routed to an Anthropic target); ListModels uses GET /v1/models.
/// Completions and Embeddings are Unsupported. Stateless; thread-safe.
class AnthropicAdapter final : public Adapter {
public:
  std::string_view family() const override { return "anthropic"; }
  Result<UpstreamRequest> buildRequest(Operation op, const json::object& body,
                                       const ProviderConfig& provider,
                                       const RequestOptions& options) const override;
  Result<ParsedResponse> parseResponse(Operation op, const UpstreamResponse& response,
                                       const RequestOptions& options) const override;
  /// For ChatCompletions: Anthropic events -> chat.completion.chunk objects. For Messages: each
  /// Anthropic event's data object unchanged (its "type" is the SSE event name), usage recorded.
  StreamTranslatorPtr newStreamTranslator(Operation op,
                                          const RequestOptions& options) const override;
  /// Anthropic's {"type":"error","error":{"type","message"}}; status and Retry-After kept.
  Error mapError(const UpstreamResponse& response) const override;
};

/// The Messages request body for an OpenAI chat request (the pure part of buildRequest).
/// `default_max_tokens` is used when the request sets no limit.
Result<json::object> chatToMessagesRequest(const json::object& chat,
                                           std::int64_t default_max_tokens = kDefaultMaxTokens);

/// A chat.completion for an Anthropic Messages response, and its usage.
Result<ParsedResponse> messagesToChatResponse(const json::object& message, std::int64_t created);

/// OpenAI finish_reason for an Anthropic stop_reason (unknown reasons map to "stop").
std::string_view finishReasonFor(std::string_view stop_reason);

/// Usage from an Anthropic usage object: prompt = input + cache read + cache creation.
Usage usageFromAnthropic(const json::object& usage);

/// A new Anthropic adapter.
AdapterPtr makeAnthropicAdapter();

}  // namespace gw::providers::anthropic
