#include "admin/routes.hpp"

namespace gw::admin {

// Placeholder until the preset routes land.
void registerPresetRoutes(http::Router&, AdminDeps&) {}

}  // namespace gw::admin
