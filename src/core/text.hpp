#pragma once

#include <cstring>
#include <string_view>

namespace gw {

/// `c` in lower case when it is an ASCII upper-case letter (no locale: HTTP names are ASCII).
constexpr char asciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

/// ASCII case-insensitive equality, for header names, schemes and host names.
constexpr bool iequalsAscii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (asciiLower(a[i]) != asciiLower(b[i])) {
      return false;
    }
  }
  return true;
}

/// Whether `s` holds CR, LF or NUL: bytes that would split or end an HTTP header value.
constexpr bool hasHeaderBreak(std::string_view s) {
  for (const char c : s) {
    if (c == '\r' || c == '\n' || c == '\0') {
      return true;
    }
  }
  return false;
}

/// The position of the first CR or LF in `s` at or after `pos`, or npos. Two vectorised
/// memchr scans (find_first_of looks each byte up in the set: a call per byte).
inline std::size_t findLineBreak(std::string_view s, std::size_t pos = 0) {
  if (pos >= s.size()) {
    return std::string_view::npos;
  }
  const char* begin = s.data() + pos;
  const std::size_t n = s.size() - pos;
  const auto* lf = static_cast<const char*>(std::memchr(begin, '\n', n));
  const std::size_t limit = lf ? static_cast<std::size_t>(lf - begin) : n;
  if (const auto* cr = static_cast<const char*>(std::memchr(begin, '\r', limit))) {
    return pos + static_cast<std::size_t>(cr - begin);
  }
  return lf ? pos + limit : std::string_view::npos;
}

}  // namespace gw
