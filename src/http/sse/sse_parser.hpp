#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace gw::http::sse {

/// One dispatched Server-Sent Event.
struct SseEvent {
  std::string event;  ///< the `event:` field; empty when the stream gave none ("message")
  std::string data;   ///< `data:` lines joined by "\n" (no trailing newline)
  std::string id;     ///< the last event id in force when this event was dispatched
};

/// Incremental parser for `text/event-stream` per the WHATWG HTML spec, section 9.2.6
/// (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation):
/// fields `event`, `data`, `id`, `retry`; comments (lines starting with ':'); CRLF, LF or CR
/// line ends; input split at arbitrary byte boundaries (including between CR and LF); a leading
/// UTF-8 BOM is skipped. Unlike a browser, finish() also dispatches a last event that was not
/// followed by a blank line, since upstreams sometimes close without one.
/// @par Thread Safety
/// Not thread-safe; one parser per stream.
class SseParser {
public:
  /// `max_event_bytes` bounds the buffered line plus the pending event's data; feed() fails
  /// beyond it so a hostile upstream cannot grow memory without limit.
  explicit SseParser(std::size_t max_event_bytes = 16u * 1024u * 1024u)
      : max_event_bytes_(max_event_bytes) {}

  /// Consumes `bytes`; appends every event completed by them to `out`.
  /// Fails (and stays failed) when a line or an event exceeds the size bound.
  Result<void> feed(std::string_view bytes, std::vector<SseEvent>& out);
  /// End of stream: processes a last unterminated line and dispatches a pending event.
  void finish(std::vector<SseEvent>& out);

  /// The last valid `retry:` value in milliseconds, if any.
  std::optional<std::uint64_t> retryMs() const { return retry_ms_; }

  /// Parses a whole stream at once (feed + finish); for tests and small bodies.
  static Result<std::vector<SseEvent>> parseAll(std::string_view text);

private:
  void processLine(std::string_view line, std::vector<SseEvent>& out);
  void dispatch(std::vector<SseEvent>& out);

  std::size_t max_event_bytes_;
  std::string line_;       ///< the current, not yet terminated line
  std::string data_;       ///< data buffer of the pending event
  std::string event_;      ///< event type buffer of the pending event
  std::string last_id_;    ///< last event id buffer
  bool has_data_ = false;  ///< at least one `data` field was seen for the pending event
  bool skip_lf_ = false;   ///< the previous chunk ended in CR: a leading LF belongs to it
  bool at_start_ = true;   ///< no byte seen yet (for the BOM)
  bool failed_ = false;
  std::optional<std::uint64_t> retry_ms_;
};

/// Formats one `data:` event carrying `json`: "data: <json>\n\n". `json` must be a single
/// line (serialised JSON is).
std::string formatSseData(std::string_view json);

/// Formats a named event: "event: <name>\ndata: <json>\n\n".
std::string formatSseEvent(std::string_view event, std::string_view json);

}  // namespace gw::http::sse
