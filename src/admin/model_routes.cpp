#include "admin/routes.hpp"

namespace gw::admin {

// Placeholder until the model routes land.
void registerModelRoutes(http::Router&, AdminDeps&) {}

}  // namespace gw::admin
