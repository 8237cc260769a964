#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

/// AWS `application/vnd.amazon.eventstream` binary framing:
/// [total_len u32][headers_len u32][prelude_crc u32][headers][payload][message_crc u32],
/// big-endian, CRC32 (IEEE) over the prelude and over everything before the message CRC.
/// https://docs.aws.amazon.com/AmazonS3/latest/API/RESTSelectObjectAppendix.html
namespace gw::mock::eventstream {

std::uint32_t crc32(std::string_view data, std::uint32_t crc = 0);

/// One frame whose headers are all of type 7 (string).
std::string encode(const std::vector<std::pair<std::string_view, std::string_view>>& headers,
                   std::string_view payload);

/// An `event` frame with `:event-type`, `:content-type: application/json`, `:message-type: event`.
std::string event(std::string_view event_type, std::string_view json_payload);

} // namespace gw::mock::eventstream
