#pragma once

#include "providers/provider.hpp"

/// Google AI Studio (Gemini API) adapter: OpenAI chat/embeddings/models <-> Gemini REST.
/// https://ai.google.dev/api
///
/// - Chat: `POST {base}/v1beta/models/{model}:generateContent`, streaming
///   `:streamGenerateContent?alt=sse` (each SSE `data:` is a GenerateContentResponse).
/// - Embeddings: one string -> `:embedContent`; an array of strings -> `:batchEmbedContents`.
/// - List models: `GET {base}/v1beta/models?pageSize=1000` (first page only).
/// - Legacy completions: ErrorCode::Unsupported.
///
/// The key goes in `x-goog-api-key`; `base_url` defaults to
/// https://generativelanguage.googleapis.com.
///
/// Image parts: `data:` URLs become `inlineData`; http(s) URLs become `fileData` when the
/// MIME type is clear from the file extension (png, jpg/jpeg, webp, gif, heic, heif, pdf),
/// otherwise the request fails with ErrorCode::Unsupported naming the part (we do not fetch
/// URLs on the request path to sniff their type).
namespace gw::providers::gemini {

/// A new Gemini adapter. Stateless and thread-safe.
AdapterPtr makeGeminiAdapter();

}  // namespace gw::providers::gemini
