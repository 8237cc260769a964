#include "core/result.hpp"

#include <stdexcept>

namespace gw {

void throw_exception_from_error(const Error& e, const boost::source_location&) {
  throw std::runtime_error(std::string(errorCodeName(e.code)) + ": " + e.message);
}

}  // namespace gw
