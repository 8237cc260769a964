#include "admin/routes.hpp"

namespace gw::admin {

// Placeholder until the log routes land.
void registerLogRoutes(http::Router&, AdminDeps&) {}

}  // namespace gw::admin
