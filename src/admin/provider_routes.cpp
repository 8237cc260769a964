#include "admin/routes.hpp"

namespace gw::admin {

// Placeholder until the provider routes land.
void registerProviderRoutes(http::Router&, AdminDeps&) {}

}  // namespace gw::admin
