#pragma once

#include <string_view>

#include "core/json.hpp"
#include "core/result.hpp"
#include "providers/provider.hpp"

/// OpenAI <-> Gemini translation (internal to the Gemini adapter; pure functions).
namespace gw::providers::gemini::translate {

/// OpenAI chat request -> GenerateContentRequest body.
/// https://ai.google.dev/api/generate-content#request-body
Result<json::object> toGenerateContent(const json::object& chat);

/// GenerateContentResponse (2xx) -> OpenAI chat.completion.
Result<ParsedResponse> fromGenerateContent(const UpstreamResponse& response,
                                           const RequestOptions& options);

/// A translator from `streamGenerateContent?alt=sse` bytes to OpenAI chunks.
StreamTranslatorPtr newStreamTranslator(const RequestOptions& options);

/// Gemini `finishReason` -> OpenAI `finish_reason` (before the tool_calls override).
std::string_view finishReason(std::string_view reason);

/// Gemini `usageMetadata` -> Usage (thoughts count as completion tokens).
Usage usageFrom(const json::object& usage_metadata);

}  // namespace gw::providers::gemini::translate
