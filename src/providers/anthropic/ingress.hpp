#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/json.hpp"
#include "core/result.hpp"

/// The Anthropic-format ingress: POST /v1/messages from Anthropic SDK clients (Claude Code)
/// routed to any provider through the OpenAI format.
namespace gw::providers::anthropic {

/// Converts an Anthropic Messages request into an OpenAI chat request: `system` becomes a
/// system message; text/image/tool_use/tool_result blocks become content parts, tool_calls and
/// tool messages; tools, tool_choice, stop_sequences, max_tokens, temperature, top_p, stream
/// and metadata.user_id are mapped; top_k and thinking are dropped (no OpenAI equivalent).
/// A streaming request asks for stream_options.include_usage so the encoder can report usage.
/// Errors name the offending field (InvalidRequest, or Unsupported for document blocks and
/// server tools).
Result<json::object> messagesToChatRequest(const json::object& anthropic_body);

/// Converts a chat.completion into an Anthropic Messages response.
json::object chatResponseToMessages(const json::object& chat_completion);

/// Anthropic stop_reason for an OpenAI finish_reason.
std::string_view stopReasonFor(std::string_view finish_reason);

/// An error in Anthropic's shape: {"type":"error","error":{"type","message"}}.
json::object anthropicError(const Error& error);

/// One Anthropic SSE event: its name and its data object.
using AnthropicEvent = std::pair<std::string, json::object>;

/// Turns OpenAI chat.completion.chunk objects into the Anthropic event sequence: message_start,
/// content_block_start/delta/stop (text, thinking, tool_use with input_json_delta),
/// message_delta (stop_reason, usage) and message_stop.
/// One per response; not thread-safe.
class MessagesStreamEncoder {
public:
  /// `model` is reported in message_start when the first chunk carries none.
  explicit MessagesStreamEncoder(std::string model = {}) : model_(std::move(model)) {}

  /// Encodes one chunk (chunks with no choices may carry usage only).
  std::vector<AnthropicEvent> onChunk(const json::object& chunk);
  /// Closes the open block and emits message_delta and message_stop. Idempotent.
  std::vector<AnthropicEvent> finish();

private:
  enum class Block { None, Text, Thinking, Tool };

  void start(const json::object& chunk, std::vector<AnthropicEvent>& out);
  void openBlock(Block kind, json::object content_block, std::vector<AnthropicEvent>& out);
  void closeBlock(std::vector<AnthropicEvent>& out);
  void delta(json::object delta, std::vector<AnthropicEvent>& out, std::int64_t index = -1);

  std::string model_;
  bool started_ = false;
  bool finished_ = false;
  Block block_ = Block::None;
  std::int64_t block_index_ = -1;                     ///< index of the open (or last) block
  std::map<std::int64_t, std::int64_t> tool_blocks_;  ///< tool call index -> block index
  std::string stop_reason_;
  std::int64_t input_tokens_ = 0;
  std::int64_t output_tokens_ = 0;
  std::int64_t cached_tokens_ = 0;
};

}  // namespace gw::providers::anthropic
