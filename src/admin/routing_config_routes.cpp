#include "admin/routes.hpp"

namespace gw::admin {

// Placeholder until the routing_config routes land.
void registerRoutingConfigRoutes(http::Router&, AdminDeps&) {}

}  // namespace gw::admin
