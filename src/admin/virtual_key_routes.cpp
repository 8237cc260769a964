#include "admin/routes.hpp"

namespace gw::admin {

// Placeholder until the virtual_key routes land.
void registerVirtualKeyRoutes(http::Router&, AdminDeps&) {}

}  // namespace gw::admin
