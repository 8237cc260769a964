#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "routing/route_context.hpp"
#include "routing/validation.hpp"

namespace gw::routing {

namespace detail {
struct QueryExpr;
}

/// A compiled Portkey condition query (MongoDB-like): field keys `metadata.<k>[.<k>...]`,
/// `params.<k>[.<k>...]` and `url.pathname`; comparison operators `$eq $ne $gt $gte $lt $lte
/// $in $nin $regex $length`; logical `$and $or`. A field mapped to a non-object value means
/// `$eq`; several operators on one field must all hold; several keys in one object must all
/// hold. Regexes (ECMAScript) are compiled once, here.
///
/// Semantics follow Portkey's conditional router: `$eq`/`$ne`/`$in`/`$nin` compare JSON values
/// strictly (a number never equals a string; numbers compare by value); `$gt`..`$lte` read
/// both sides as numbers the way JavaScript's parseFloat does ("09:00" is 9) and fail when
/// either is not a number; `$regex` searches the value's text; a missing field fails every
/// operator except `$ne` and `$nin`.
/// @par Thread Safety
/// Immutable after compile(); matches() may run concurrently from any thread.
class Query {
public:
  /// Compiles `query`; each problem is appended to `errors` with its JSON path below `path`
  /// (e.g. `strategy.conditions[0].query.metadata.plan.$foo: unknown operator`). Returns
  /// nullopt when there was any problem.
  static std::optional<Query> compile(const json::object& query, const std::string& path,
                                      ValidationErrors& errors);

  /// Whether the request described by `ctx` satisfies the query. An empty query matches.
  bool matches(const RouteContext& ctx) const;

private:
  explicit Query(std::shared_ptr<const detail::QueryExpr> expr) : expr_(std::move(expr)) {}

  std::shared_ptr<const detail::QueryExpr> expr_;
};

}  // namespace gw::routing
