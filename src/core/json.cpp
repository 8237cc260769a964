#include "core/json.hpp"

namespace gw {

Result<json::value> parseJson(std::string_view text, json::storage_ptr storage) {
  boost::system::error_code ec;
  json::parse_options opts;
  opts.max_depth = 64;
  json::value v = json::parse(text, ec, std::move(storage), opts);
  if (ec) {
    return Error::invalid("malformed JSON: " + ec.message());
  }
  return v;
}

Result<json::object> parseJsonObject(std::string_view text, json::storage_ptr storage) {
  auto v = parseJson(text, std::move(storage));
  if (!v) {
    return v.error();
  }
  if (!v->is_object()) {
    return Error::invalid("the request body must be a JSON object");
  }
  return std::move(v->as_object());
}

const json::string* getString(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v ? v->if_string() : nullptr;
}

std::optional<std::string_view> getStringView(const json::object& o, std::string_view key) {
  if (const auto* s = getString(o, key)) {
    return std::string_view(*s);
  }
  return std::nullopt;
}

std::optional<double> asNumber(const json::value& v) {
  if (v.is_double()) return v.get_double();
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  return std::nullopt;
}

std::optional<double> getNumber(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v ? asNumber(*v) : std::nullopt;
}

std::optional<std::int64_t> getInt(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return static_cast<std::int64_t>(v->get_uint64());
  }
  if (v->is_double()) {
    const double d = v->get_double();
    if (d == static_cast<double>(static_cast<std::int64_t>(d))) {
      return static_cast<std::int64_t>(d);
    }
  }
  return std::nullopt;
}

std::optional<bool> getBool(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v && v->is_bool()) return v->get_bool();
  return std::nullopt;
}

const json::object* getObject(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v ? v->if_object() : nullptr;
}

const json::array* getArray(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v ? v->if_array() : nullptr;
}

}  // namespace gw
