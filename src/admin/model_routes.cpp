#include <boost/algorithm/string/predicate.hpp>

#include <charconv>
#include <cstdlib>
#include <map>
#include <set>

#include "admin/model_fields.hpp"
#include "admin/resource_helpers.hpp"
#include "admin/routes.hpp"
#include "dataplane/snapshot.hpp"
#include "store/sqlite/database.hpp"

namespace gw::admin {

namespace {

constexpr std::size_t kMaxImportRows = 5000;
constexpr std::size_t kMaxBatchIds = 1000;

// ---- CSV ---------------------------------------------------------------------------------

/// Splits RFC 4180 CSV text into rows of cells: quoted cells may hold commas, quotes ("") and
/// line breaks; CRLF or LF end a row; a UTF-8 BOM is skipped; blank lines are dropped.
Result<std::vector<std::vector<std::string>>> parseCsv(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") {
    text.remove_prefix(3);
  }
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string cell;
  bool quoted = false;
  bool row_has_content = false;
  auto endCell = [&] {
    row.push_back(std::move(cell));
    cell.clear();
  };
  auto endRow = [&] {
    endCell();
    if (row_has_content || row.size() > 1 || !row.front().empty()) {
      rows.push_back(std::move(row));
    }
    row.clear();
    row_has_content = false;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c == '"') {
      quoted = true;
      row_has_content = true;
    } else if (c == ',') {
      endCell();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
        ++i;
      }
      endRow();
    } else {
      cell += c;
    }
  }
  if (quoted) {
    return Error::invalid("csv: a quoted cell is not closed", "csv");
  }
  endRow();
  return rows;
}

enum class CellKind { Text, Integer, Number, Boolean, Capability };

std::optional<CellKind> columnKind(std::string_view name) {
  static const std::map<std::string, CellKind, std::less<>> kColumns = {
      {"provider_id", CellKind::Integer},
      {"provider", CellKind::Text},
      {"name", CellKind::Text},
      {"model_id", CellKind::Text},
      {"mode", CellKind::Text},
      {"enabled", CellKind::Boolean},
      {"context_window", CellKind::Integer},
      {"max_output_tokens", CellKind::Integer},
      {"input_price", CellKind::Number},
      {"output_price", CellKind::Number},
      {"cached_input_price", CellKind::Number},
      {"tools", CellKind::Capability},
      {"vision", CellKind::Capability},
      {"json_mode", CellKind::Capability},
      {"reasoning", CellKind::Capability}};
  auto it = kColumns.find(name);
  return it == kColumns.end() ? std::nullopt : std::optional(it->second);
}

/// A cell as JSON: typed when it parses, the raw text otherwise (validation then names it).
json::value cellValue(const std::string& cell, CellKind kind) {
  switch (kind) {
    case CellKind::Text:
      return json::value(cell);
    case CellKind::Integer: {
      std::int64_t v = 0;
      auto [p, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), v);
      return ec == std::errc() && p == cell.data() + cell.size() ? json::value(v)
                                                                 : json::value(cell);
    }
    case CellKind::Number: {
      char* end = nullptr;
      const double v = std::strtod(cell.c_str(), &end);
      return end == cell.c_str() + cell.size() ? json::value(v) : json::value(cell);
    }
    case CellKind::Boolean:
    case CellKind::Capability: {
      using boost::algorithm::iequals;
      if (iequals(cell, "true") || iequals(cell, "yes") || cell == "1") {
        return json::value(true);
      }
      if (iequals(cell, "false") || iequals(cell, "no") || cell == "0") {
        return json::value(false);
      }
      return json::value(cell);
    }
  }
  return json::value(cell);
}

std::string trim(std::string s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) {
    return {};
  }
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

/// CSV with a header row -> one JSON object per data row, in the JSON import's shape.
void csvToRows(std::string_view text, json::array& out, std::vector<http::FieldError>& errors) {
  auto table = parseCsv(text);
  if (!table) {
    errors.push_back({"csv", "a quoted cell is not closed"});
    return;
  }
  if (table->empty()) {
    errors.push_back({"csv", "is empty: expected a header row and data rows"});
    return;
  }
  std::vector<std::pair<std::string, CellKind>> columns;
  for (const auto& raw : table->front()) {
    std::string name = trim(raw);
    auto kind = columnKind(name);
    if (!kind) {
      errors.push_back({"header", "unknown column \"" + name + "\""});
      continue;
    }
    columns.emplace_back(std::move(name), *kind);
  }
  if (!errors.empty()) {
    return;
  }
  for (std::size_t r = 1; r < table->size(); ++r) {
    const auto& cells = (*table)[r];
    const std::size_t index = r - 1;
    if (cells.size() != columns.size()) {
      errors.push_back({"models[" + std::to_string(index) + "]",
                        "has " + std::to_string(cells.size()) + " cells; the header has " +
                            std::to_string(columns.size())});
      continue;
    }
    json::object row;
    json::object caps;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const std::string cell = trim(cells[c]);
      if (cell.empty()) {
        continue;
      }
      const auto& [name, kind] = columns[c];
      if (kind == CellKind::Capability) {
        caps[name] = cellValue(cell, kind);
      } else {
        row[name] = cellValue(cell, kind);
      }
    }
    if (!caps.empty()) {
      row["capabilities"] = std::move(caps);
    }
    out.push_back(std::move(row));
  }
}

// ---- blocking helpers (run on the pool) ---------------------------------------------------

struct ImportOutcome {
  std::vector<http::FieldError> errors;
  int imported = 0;
  int skipped = 0;
};

Error duplicateModel(const store::ModelRow& row) {
  return Error{ErrorCode::Conflict, "the provider already has a model named \"" + row.name + "\""};
}

Error noProvider(std::int64_t id) {
  return fieldError("provider_id", "no provider with id " + std::to_string(id));
}

/// Creates (`creating`) or updates a model; `check_provider` when provider_id is new.
Result<json::value> saveModel(AdminDeps& d, const store::ModelRow& row, bool creating,
                              bool check_provider) {
  if (check_provider && !d.store.providers().get(row.provider_id)) {
    return noProvider(row.provider_id);
  }
  try {
    auto saved = creating ? d.store.models().create(row) : d.store.models().update(row);
    d.snapshots.rebuild();
    return json::value(modelJson(saved));
  } catch (const store::sqlite::StoreError& e) {
    if (e.constraint()) {
      return duplicateModel(row);
    }
    throw;
  }
}

bool removeModel(AdminDeps& d, std::int64_t id) {
  const bool removed = d.store.models().remove(id);
  if (removed) {
    d.snapshots.rebuild();
  }
  return removed;
}

/// Validates every row (providers by id or by name) and only then creates them all.
ImportOutcome importModels(AdminDeps& d, const json::array& rows) {
  ImportOutcome out;
  std::map<std::string, std::optional<std::int64_t>> by_name;
  std::map<std::int64_t, bool> by_id;
  std::vector<store::ModelRow> models;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const std::string prefix = "models[" + std::to_string(i) + "].";
    const auto* obj = rows[i].if_object();
    if (!obj) {
      out.errors.push_back({"models[" + std::to_string(i) + "]", "must be an object"});
      continue;
    }
    json::object row = *obj;
    if (!row.contains("provider_id") && row.contains("provider")) {
      const auto name = getStringView(row, "provider");
      if (!name) {
        out.errors.push_back({prefix + "provider", "must be a provider name"});
        continue;
      }
      auto [it, fresh] = by_name.try_emplace(std::string(*name));
      if (fresh) {
        if (auto p = d.store.providers().findByName(it->first)) {
          it->second = p->id;
        }
      }
      if (!it->second) {
        out.errors.push_back({prefix + "provider", "no provider named \"" + it->first + "\""});
        continue;
      }
      row["provider_id"] = *it->second;
    }
    store::ModelRow model;
    const auto before = out.errors.size();
    readModelFields(row, model, out.errors, true, prefix);
    if (out.errors.size() != before) {
      continue;
    }
    auto [it, fresh] = by_id.try_emplace(model.provider_id, false);
    if (fresh) {
      it->second = d.store.providers().get(model.provider_id).has_value();
    }
    if (!it->second) {
      out.errors.push_back(
          {prefix + "provider_id", "no provider with id " + std::to_string(model.provider_id)});
      continue;
    }
    models.push_back(std::move(model));
  }
  if (!out.errors.empty()) {
    return out;
  }
  out.imported = d.store.models().createMany(models);
  out.skipped = static_cast<int>(models.size()) - out.imported;
  if (out.imported > 0) {
    d.snapshots.rebuild();
  }
  return out;
}

/// Checks every id first: one unknown id changes nothing.
Result<json::value> batchAction(AdminDeps& d, const std::vector<std::int64_t>& ids,
                                const std::string& action) {
  std::vector<store::ModelRow> rows;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto row = d.store.models().get(ids[i]);
    if (!row) {
      return fieldError("ids[" + std::to_string(i) + "]",
                        "no model with id " + std::to_string(ids[i]));
    }
    rows.push_back(std::move(*row));
  }
  std::int64_t affected = 0;
  for (auto& row : rows) {
    if (action == "delete") {
      affected += d.store.models().remove(row.id) ? 1 : 0;
    } else if (row.enabled != (action == "enable")) {
      row.enabled = action == "enable";
      d.store.models().update(row);
      ++affected;
    }
  }
  if (affected > 0) {
    d.snapshots.rebuild();
  }
  json::object out;
  out["action"] = action;
  out["affected"] = affected;
  return out;
}

json::object importAnswer(const ImportOutcome& o) {
  json::object out;
  out["imported"] = o.imported;
  out["skipped"] = o.skipped;
  out["failed"] = 0;
  out["errors"] = json::array();
  return out;
}

/// Reads {"ids":[...],"action"} into `ids` and `action`; records problems in `f`.
void readBatch(FieldReader& f, std::vector<std::int64_t>& ids, std::string& action) {
  const auto* list = f.array("ids");
  if (!list) {
    if (!f.has("ids")) {
      f.fail("ids", "is required");
    }
  } else if (list->empty() || list->size() > kMaxBatchIds) {
    f.fail("ids", "must hold 1 to " + std::to_string(kMaxBatchIds) + " ids");
  } else {
    std::set<std::int64_t> seen;
    for (std::size_t i = 0; i < list->size(); ++i) {
      const auto* v = (*list)[i].if_int64();
      const auto* u = (*list)[i].if_uint64();
      const std::int64_t id = v ? *v : u ? static_cast<std::int64_t>(*u) : 0;
      if (id <= 0) {
        f.fail("ids[" + std::to_string(i) + "]", "must be a positive integer");
      } else if (seen.insert(id).second) {
        ids.push_back(id);
      }
    }
  }
  auto a = f.string("action", 16, true);
  if (a && *a != "enable" && *a != "disable" && *a != "delete") {
    f.fail("action", "must be enable, disable or delete");
  } else if (a) {
    action = *a;
  }
}

/// The rows of a batch import: a JSON {"models":[...]} or, for text/csv, a CSV table with a
/// header row. Malformed JSON is an error; bad shapes are appended to `errors`.
Result<json::array> importRows(std::string_view content_type, std::string_view body,
                               std::vector<http::FieldError>& errors) {
  json::array rows;
  if (boost::algorithm::istarts_with(content_type, "text/csv")) {
    csvToRows(body, rows, errors);
  } else {
    auto doc = parseJsonObject(body);
    if (!doc) {
      return doc.error();
    }
    FieldReader f(*doc);
    if (const auto* list = f.array("models")) {
      rows = *list;
    } else if (f.ok()) {
      f.fail("models", "is required");
    }
    errors = f.errors();
  }
  if (errors.empty() && rows.empty()) {
    errors.push_back({"models", "holds no model"});
  }
  if (rows.size() > kMaxImportRows) {
    errors.push_back({"models", "at most " + std::to_string(kMaxImportRows) + " per import"});
  }
  return rows;
}

store::ListQuery modelQuery(const RequestContext& rc) {
  return listQuery(rc, {"provider_id", "mode", "capability", "enabled"});
}

json::object modelPage(AdminDeps& d, const store::ListQuery& q) {
  auto page = d.store.models().list(q);
  json::array data;
  for (const auto& m : page.rows) {
    data.push_back(modelJson(m));
  }
  return pageJson(std::move(data), page.total);
}

std::optional<json::object> modelById(AdminDeps& d, std::int64_t id) {
  auto row = d.store.models().get(id);
  return row ? std::optional(modelJson(*row)) : std::nullopt;
}

Result<json::value> createFromBody(AdminDeps& d, const json::object& body,
                                   std::vector<http::FieldError>& errors) {
  store::ModelRow row;
  readModelFields(body, row, errors, true);
  if (!errors.empty()) {
    return invalidFields();
  }
  return saveModel(d, row, true, true);
}

Result<json::value> updateFromBody(AdminDeps& d, std::int64_t id, const json::object& body,
                                   std::vector<http::FieldError>& errors) {
  auto row = d.store.models().get(id);
  if (!row) {
    return Error::notFound("no such model");
  }
  const std::int64_t old_provider = row->provider_id;
  readModelFields(body, *row, errors, false);
  if (!errors.empty()) {
    return invalidFields();
  }
  return saveModel(d, *row, false, row->provider_id != old_provider);
}

Result<json::value> batchFromBody(AdminDeps& d, const json::object& body,
                                  std::vector<http::FieldError>& errors) {
  FieldReader f(body);
  std::vector<std::int64_t> ids;
  std::string action;
  readBatch(f, ids, action);
  if (!f.ok()) {
    errors = f.errors();
    return invalidFields();
  }
  return batchAction(d, ids, action);
}

}  // namespace

void registerModelRoutes(http::Router& r, AdminDeps& d) {
  r.add("GET", "/api/admin/models",
        listRoute(d, modelQuery, [&d](const store::ListQuery& q) { return modelPage(d, q); }));
  r.add("GET", "/api/admin/models/:id",
        getRoute(
            d, [&d](std::int64_t id) { return modelById(d, id); }, "no such model"));
  r.add("DELETE", "/api/admin/models/:id",
        deleteRoute(
            d, [&d](std::int64_t id) { return removeModel(d, id); }, "no such model"));
  r.add("POST", "/api/admin/models",
        bodyRoute(
            d,
            [&d](const json::object& body, std::vector<http::FieldError>& errors) {
              return createFromBody(d, body, errors);
            },
            201));
  r.add("PUT", "/api/admin/models/:id",
        recordBodyRoute(d, [&d](std::int64_t id, const json::object& body,
                                std::vector<http::FieldError>& errors) {
          return updateFromBody(d, id, body, errors);
        }));
  r.add("POST", "/api/admin/models/batch",
        bodyRoute(d, [&d](const json::object& body, std::vector<http::FieldError>& errors) {
          return batchFromBody(d, body, errors);
        }));

  r.add("POST", "/api/admin/models/batch-import",
        guarded(d.jwt, d.clock,
                [&d](RequestContext& rc, const auth::Claims&) -> net::awaitable<void> {
                  std::vector<http::FieldError> errors;
                  auto rows = importRows(rc.header("content-type"), rc.body(), errors);
                  if (!rows) {
                    co_await sendError(rc, rows.error());
                    co_return;
                  }
                  if (!errors.empty()) {
                    co_await sendInvalid(rc, errors);
                    co_return;
                  }
                  auto outcome = co_await d.pool.run([&] { return importModels(d, *rows); });
                  if (!outcome.errors.empty()) {
                    co_await sendInvalid(rc, outcome.errors);
                    co_return;
                  }
                  co_await rc.sendJson(200, importAnswer(outcome));
                }));
}

}  // namespace gw::admin
