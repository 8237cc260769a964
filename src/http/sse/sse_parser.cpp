#include "http/sse/sse_parser.hpp"

#include <algorithm>

#include "core/text.hpp"

namespace gw::http::sse {

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

Error tooLarge() {
  Error e;
  e.code = ErrorCode::UpstreamError;
  e.message = "event stream exceeded the size limit";
  return e;
}

bool allDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

Result<void> SseParser::feed(std::string_view bytes, std::vector<SseEvent>& out) {
  if (failed_) {
    return tooLarge();
  }
  if (at_start_ && !bytes.empty()) {
    // The BOM may itself be split across chunks: buffer until 3 bytes are known.
    line_.append(bytes);
    if (line_.size() < kBom.size() && kBom.substr(0, line_.size()) == line_) {
      return {};
    }
    at_start_ = false;
    std::string pending = std::move(line_);
    line_.clear();
    std::string_view rest = pending;
    if (rest.substr(0, kBom.size()) == kBom) {
      rest.remove_prefix(kBom.size());
    }
    return feed(rest, out);
  }
  std::size_t pos = 0;
  if (skip_lf_ && !bytes.empty()) {
    skip_lf_ = false;
    if (bytes.front() == '\n') {
      pos = 1;
    }
  }
  while (pos < bytes.size()) {
    const std::size_t end = findLineBreak(bytes, pos);
    if (end == std::string_view::npos) {
      line_.append(bytes.substr(pos));
      break;
    }
    std::string_view line = bytes.substr(pos, end - pos);
    if (!line_.empty()) {
      line_.append(line);
      processLine(line_, out);
      line_.clear();
    } else {
      processLine(line, out);
    }
    pos = end + 1;
    if (bytes[end] == '\r') {
      if (pos < bytes.size()) {
        if (bytes[pos] == '\n') {
          ++pos;
        }
      } else {
        skip_lf_ = true;
      }
    }
  }
  if (line_.size() + data_.size() > max_event_bytes_) {
    failed_ = true;
    return tooLarge();
  }
  return {};
}

void SseParser::finish(std::vector<SseEvent>& out) {
  if (at_start_) {
    at_start_ = false;  // fewer than 3 bytes that looked like a BOM prefix: treat as text
  }
  if (!line_.empty()) {
    std::string line = std::move(line_);
    line_.clear();
    processLine(line, out);
  }
  dispatch(out);
}

void SseParser::processLine(std::string_view line, std::vector<SseEvent>& out) {
  if (line.empty()) {
    dispatch(out);
    return;
  }
  if (line.front() == ':') {
    return;  // comment
  }
  std::string_view field = line;
  std::string_view value;
  if (const auto colon = line.find(':'); colon != std::string_view::npos) {
    field = line.substr(0, colon);
    value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') {
      value.remove_prefix(1);
    }
  }
  if (field == "data") {
    if (has_data_) {
      data_.push_back('\n');
    }
    data_.append(value);
    has_data_ = true;
  } else if (field == "event") {
    event_.assign(value);
  } else if (field == "id") {
    if (value.find('\0') == std::string_view::npos) {
      last_id_.assign(value);
    }
  } else if (field == "retry") {
    if (allDigits(value) && value.size() <= 18) {
      retry_ms_ = std::stoull(std::string(value));
    }
  }
  // Any other field is ignored, as the spec requires.
}

void SseParser::dispatch(std::vector<SseEvent>& out) {
  if (!has_data_) {
    event_.clear();
    return;
  }
  out.push_back(SseEvent{std::move(event_), std::move(data_), last_id_});
  event_.clear();
  data_.clear();
  has_data_ = false;
}

Result<std::vector<SseEvent>> SseParser::parseAll(std::string_view text) {
  SseParser parser;
  std::vector<SseEvent> events;
  if (auto r = parser.feed(text, events); !r) {
    return r.error();
  }
  parser.finish(events);
  return events;
}

std::string formatSseData(std::string_view json) {
  std::string out;
  out.reserve(json.size() + 8);
  out.append("data: ").append(json).append("\n\n");
  return out;
}

std::string formatSseEvent(std::string_view event, std::string_view json) {
  std::string out;
  out.reserve(event.size() + json.size() + 16);
  out.append("event: ").append(event).append("\ndata: ").append(json).append("\n\n");
  return out;
}

}  // namespace gw::http::sse
