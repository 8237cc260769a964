#include "dataplane/dataplane.hpp"

namespace gw::dataplane {

void registerDataplaneRoutes(http::Router&, DataplaneDeps&) {}

}  // namespace gw::dataplane
