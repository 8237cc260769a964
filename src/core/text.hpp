#pragma once

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

}  // namespace gw
