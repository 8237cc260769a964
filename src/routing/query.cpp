#include "routing/query.hpp"

#include <cmath>
#include <cstdlib>
#include <regex>
#include <string_view>

namespace gw::routing {

namespace detail {

enum class Op { Eq, Ne, Gt, Gte, Lt, Lte, In, Nin, Regex, Length };

/// One operator test on a field's value.
struct OpTest {
  Op op = Op::Eq;
  json::value operand;
  double number = 0;                        ///< operand of $gt..$lte, parsed once
  std::shared_ptr<const std::regex> regex;  ///< operand of $regex, compiled once
  std::vector<OpTest> length_tests;         ///< operators on the length, for {$length: {...}}
};

/// A node of a compiled query: a conjunction, a disjunction, or tests on one field.
struct QueryExpr {
  enum class Kind { And, Or, Field };
  Kind kind = Kind::And;
  std::vector<QueryExpr> children;
  std::vector<std::string> field;  ///< "metadata.a.b" split at dots
  std::vector<OpTest> tests;       ///< all must hold
};

}  // namespace detail

namespace {

using detail::Op;
using detail::OpTest;
using detail::QueryExpr;

std::optional<Op> parseOp(std::string_view name) {
  if (name == "$eq") return Op::Eq;
  if (name == "$ne") return Op::Ne;
  if (name == "$gt") return Op::Gt;
  if (name == "$gte") return Op::Gte;
  if (name == "$lt") return Op::Lt;
  if (name == "$lte") return Op::Lte;
  if (name == "$in") return Op::In;
  if (name == "$nin") return Op::Nin;
  if (name == "$regex") return Op::Regex;
  if (name == "$length") return Op::Length;
  return std::nullopt;
}

/// JavaScript parseFloat: the longest numeric prefix after leading white space, else NaN.
double parseFloatLike(const json::value& v) {
  if (auto n = asNumber(v)) {
    return *n;
  }
  if (const auto* s = v.if_string()) {
    std::string text(s->c_str());
    const char* begin = text.c_str();
    char* end = nullptr;
    const double d = std::strtod(begin, &end);
    if (end != begin && std::isfinite(d)) {
      return d;
    }
  }
  return std::nan("");
}

bool jsonEqual(const json::value& a, const json::value& b) {
  const auto na = asNumber(a);
  const auto nb = asNumber(b);
  if (na && nb) {
    return *na == *nb;
  }
  if (na || nb) {
    return false;
  }
  return a == b;
}

bool contains(const json::array& list, const json::value& v) {
  for (const auto& item : list) {
    if (jsonEqual(item, v)) {
      return true;
    }
  }
  return false;
}

std::vector<std::string> splitDots(std::string_view key) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const auto dot = key.find('.', start);
    parts.emplace_back(key.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) {
      break;
    }
    start = dot + 1;
  }
  return parts;
}

/// Compiles the operator object (or implicit $eq value) of one field.
bool compileTests(const json::value& spec, const std::string& path, bool numeric_only,
                  std::vector<OpTest>& out, ValidationErrors& errors) {
  const auto* ops = spec.if_object();
  if (ops == nullptr) {
    if (numeric_only && !asNumber(spec)) {
      errors.push_back({path, "must be a number or an operator object"});
      return false;
    }
    out.push_back(OpTest{Op::Eq, spec, 0, nullptr, {}});
    return true;
  }
  bool ok = true;
  for (const auto& [name, operand] : *ops) {
    const std::string op_path = joinPath(path, name);
    const auto op = parseOp(name);
    if (!op || (numeric_only && (*op == Op::Regex || *op == Op::Length))) {
      errors.push_back({op_path, "unknown operator"});
      ok = false;
      continue;
    }
    OpTest test{*op, operand, 0, nullptr, {}};
    switch (*op) {
      case Op::Eq:
      case Op::Ne:
        break;
      case Op::Gt:
      case Op::Gte:
      case Op::Lt:
      case Op::Lte:
        test.number = parseFloatLike(operand);
        if (std::isnan(test.number)) {
          errors.push_back({op_path, "must be a number"});
          ok = false;
        }
        break;
      case Op::In:
      case Op::Nin:
        if (!operand.is_array()) {
          errors.push_back({op_path, "must be an array"});
          ok = false;
        }
        break;
      case Op::Regex:
        if (!operand.is_string()) {
          errors.push_back({op_path, "must be a string"});
          ok = false;
          break;
        }
        try {
          test.regex = std::make_shared<const std::regex>(std::string(operand.get_string()),
                                                          std::regex::ECMAScript);
        } catch (const std::regex_error& e) {
          errors.push_back({op_path, std::string("invalid regular expression: ") + e.what()});
          ok = false;
        }
        break;
      case Op::Length:
        ok = compileTests(operand, op_path, true, test.length_tests, errors) && ok;
        break;
    }
    out.push_back(std::move(test));
  }
  return ok;
}

bool validField(const std::vector<std::string>& parts) {
  if (parts.size() < 2) {
    return false;
  }
  for (const auto& p : parts) {
    if (p.empty()) {
      return false;
    }
  }
  if (parts[0] == "url") {
    return parts.size() == 2 && parts[1] == "pathname";
  }
  return parts[0] == "metadata" || parts[0] == "params";
}

bool compileObject(const json::object& query, const std::string& path, QueryExpr& out,
                   ValidationErrors& errors) {
  out.kind = QueryExpr::Kind::And;
  bool ok = true;
  for (const auto& [key, value] : query) {
    const std::string key_path = joinPath(path, key);
    if (key == "$and" || key == "$or") {
      QueryExpr logical;
      logical.kind = key == "$and" ? QueryExpr::Kind::And : QueryExpr::Kind::Or;
      const auto* list = value.if_array();
      if (list == nullptr) {
        errors.push_back({key_path, "must be an array of queries"});
        ok = false;
        continue;
      }
      for (std::size_t i = 0; i < list->size(); ++i) {
        const auto* sub = (*list)[i].if_object();
        if (sub == nullptr) {
          errors.push_back({indexPath(key_path, i), "must be an object"});
          ok = false;
          continue;
        }
        QueryExpr child;
        ok = compileObject(*sub, indexPath(key_path, i), child, errors) && ok;
        logical.children.push_back(std::move(child));
      }
      out.children.push_back(std::move(logical));
      continue;
    }
    if (!key.empty() && key.front() == '$') {
      errors.push_back({key_path, "unknown operator"});
      ok = false;
      continue;
    }
    QueryExpr field;
    field.kind = QueryExpr::Kind::Field;
    field.field = splitDots(key);
    if (!validField(field.field)) {
      errors.push_back({key_path, "unknown field; use metadata.<key>, params.<key> or url.pathname"});
      ok = false;
      continue;
    }
    ok = compileTests(value, key_path, false, field.tests, errors) && ok;
    out.children.push_back(std::move(field));
  }
  return ok;
}

/// Looks `parts[i..]` up in `obj`: nested objects first, then the rest as one dotted key.
const json::value* lookup(const json::object& obj, const std::vector<std::string>& parts,
                          std::size_t i) {
  const json::value* v = obj.if_contains(parts[i]);
  if (v != nullptr && i + 1 == parts.size()) {
    return v;
  }
  if (v != nullptr && v->is_object()) {
    if (const auto* found = lookup(v->get_object(), parts, i + 1)) {
      return found;
    }
  }
  if (i + 1 < parts.size()) {
    std::string rest = parts[i];
    for (std::size_t j = i + 1; j < parts.size(); ++j) {
      rest += '.';
      rest += parts[j];
    }
    return obj.if_contains(rest);
  }
  return nullptr;
}

const json::value* fieldValue(const std::vector<std::string>& field, const RouteContext& ctx,
                              json::value& scratch) {
  if (field[0] == "metadata") {
    return lookup(ctx.metadata, field, 1);
  }
  if (field[0] == "params") {
    return ctx.params != nullptr ? lookup(*ctx.params, field, 1) : nullptr;
  }
  scratch = json::string(ctx.path);
  return &scratch;
}

std::string textOf(const json::value& v) {
  if (const auto* s = v.if_string()) {
    return std::string(*s);
  }
  return json::serialize(v);
}

bool compareNumbers(Op op, double value, double operand) {
  switch (op) {
    case Op::Gt: return value > operand;
    case Op::Gte: return value >= operand;
    case Op::Lt: return value < operand;
    case Op::Lte: return value <= operand;
    case Op::Eq:
    case Op::Ne:
    case Op::In:
    case Op::Nin:
    case Op::Regex:
    case Op::Length:
      break;
  }
  return false;
}

bool testValue(const OpTest& t, const json::value* v) {
  switch (t.op) {
    case Op::Eq: return v != nullptr && jsonEqual(*v, t.operand);
    case Op::Ne: return v == nullptr || !jsonEqual(*v, t.operand);
    case Op::Gt:
    case Op::Gte:
    case Op::Lt:
    case Op::Lte: {
      if (v == nullptr) {
        return false;
      }
      const double d = parseFloatLike(*v);
      return !std::isnan(d) && compareNumbers(t.op, d, t.number);
    }
    case Op::In: return v != nullptr && contains(t.operand.get_array(), *v);
    case Op::Nin: return v == nullptr || !contains(t.operand.get_array(), *v);
    case Op::Regex: {
      if (v == nullptr || v->is_null()) {
        return false;
      }
      try {
        return std::regex_search(textOf(*v), *t.regex);
      } catch (const std::regex_error&) {
        return false;  // pathological input: treat as no match, never throw on the request path
      }
    }
    case Op::Length: {
      if (v == nullptr || !v->is_array()) {
        return false;
      }
      const json::value length(static_cast<std::int64_t>(v->get_array().size()));
      for (const auto& sub : t.length_tests) {
        if (!testValue(sub, &length)) {
          return false;
        }
      }
      return true;
    }
  }
  return false;
}

bool evaluate(const QueryExpr& e, const RouteContext& ctx) {
  switch (e.kind) {
    case QueryExpr::Kind::And:
      for (const auto& c : e.children) {
        if (!evaluate(c, ctx)) {
          return false;
        }
      }
      return true;
    case QueryExpr::Kind::Or:
      for (const auto& c : e.children) {
        if (evaluate(c, ctx)) {
          return true;
        }
      }
      return false;
    case QueryExpr::Kind::Field: {
      json::value scratch;
      const json::value* v = fieldValue(e.field, ctx, scratch);
      for (const auto& t : e.tests) {
        if (!testValue(t, v)) {
          return false;
        }
      }
      return true;
    }
  }
  return false;
}

}  // namespace

std::optional<Query> Query::compile(const json::object& query, const std::string& path,
                                    ValidationErrors& errors) {
  auto expr = std::make_shared<QueryExpr>();
  if (!compileObject(query, path, *expr, errors)) {
    return std::nullopt;
  }
  return Query(std::move(expr));
}

bool Query::matches(const RouteContext& ctx) const {
  return expr_ == nullptr || evaluate(*expr_, ctx);
}

}  // namespace gw::routing
