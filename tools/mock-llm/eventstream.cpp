#include "eventstream.hpp"

#include <array>

namespace gw::mock::eventstream {
namespace {

constexpr std::array<std::uint32_t, 256> makeTable() {
  std::array<std::uint32_t, 256> t{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) {
      c = (c & 1) ? 0xEDB88320U ^ (c >> 1) : c >> 1;
    }
    t[i] = c;
  }
  return t;
}

constexpr auto kTable = makeTable();

void putU32(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((v >> shift) & 0xFF));
  }
}

} // namespace

std::uint32_t crc32(std::string_view data, std::uint32_t crc) {
  crc = ~crc;
  for (char ch : data) {
    crc = kTable[(crc ^ static_cast<unsigned char>(ch)) & 0xFF] ^ (crc >> 8);
  }
  return ~crc;
}

std::string encode(const std::vector<std::pair<std::string_view, std::string_view>>& headers,
                   std::string_view payload) {
  std::string hdr;
  for (const auto& [name, value] : headers) {
    hdr.push_back(static_cast<char>(name.size()));
    hdr += name;
    hdr.push_back(7); // string
    hdr.push_back(static_cast<char>((value.size() >> 8) & 0xFF));
    hdr.push_back(static_cast<char>(value.size() & 0xFF));
    hdr += value;
  }
  std::string out;
  const auto total = static_cast<std::uint32_t>(12 + hdr.size() + payload.size() + 4);
  out.reserve(total);
  putU32(out, total);
  putU32(out, static_cast<std::uint32_t>(hdr.size()));
  putU32(out, crc32(out));
  out += hdr;
  out += payload;
  putU32(out, crc32(out));
  return out;
}

std::string event(std::string_view event_type, std::string_view json_payload) {
  return encode({{":event-type", event_type},
                 {":content-type", "application/json"},
                 {":message-type", "event"}},
                json_payload);
}

} // namespace gw::mock::eventstream
