#pragma once

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace gw {

namespace json = boost::json;

/// Parses `text` as JSON; an error names the problem ("malformed JSON at offset N"). The value's
/// memory comes from `storage` (the default resource unless given).
Result<json::value> parseJson(std::string_view text, json::storage_ptr storage = {});
/// Parses `text` and requires a JSON object.
Result<json::object> parseJsonObject(std::string_view text, json::storage_ptr storage = {});

/// Typed look-ups on objects that return nullptr/nullopt when absent or of another type.
const json::string* getString(const json::object& o, std::string_view key);
std::optional<std::string_view> getStringView(const json::object& o, std::string_view key);
std::optional<double> getNumber(const json::object& o, std::string_view key);
std::optional<std::int64_t> getInt(const json::object& o, std::string_view key);
std::optional<bool> getBool(const json::object& o, std::string_view key);
const json::object* getObject(const json::object& o, std::string_view key);
const json::array* getArray(const json::object& o, std::string_view key);
/// Number of a json::value as double, if it is any numeric kind.
std::optional<double> asNumber(const json::value& v);

/// Serialises a value compactly.
inline std::string toJson(const json::value& v) { return json::serialize(v); }
/// Serialises an object or array compactly, without first copying it into a json::value.
inline std::string toJson(const json::object& o) { return json::serialize(o); }
inline std::string toJson(const json::array& a) { return json::serialize(a); }

}  // namespace gw
