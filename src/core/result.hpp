#pragma once

#include <boost/system/result.hpp>

#include "core/error.hpp"

namespace gw {

/// The one result type of the project: a value or a gw::Error, never an exception on the
/// request path. `Result<void>` is success or an error.
template <class T>
using Result = boost::system::result<T, Error>;

/// Called by boost::system::result::value() on an error: turns it into an exception, which is
/// only acceptable at start-up and in tests.
[[noreturn]] void throw_exception_from_error(const Error& e, const boost::source_location& loc);

}  // namespace gw
