#include "routing/route_context.hpp"

namespace gw::routing {

json::object metadataFromHeaders(const providers::Headers& headers) {
  for (std::string_view name : {"x-gateway-metadata", "x-portkey-metadata"}) {
    const std::string* value = providers::findHeader(headers, name);
    if (value == nullptr) {
      continue;
    }
    auto parsed = parseJsonObject(*value);
    if (parsed) {
      return std::move(*parsed);
    }
  }
  return {};
}

}  // namespace gw::routing
