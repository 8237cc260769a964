#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <charconv>
#include <limits>

#include "admin/model_fields.hpp"
#include "admin/resource_helpers.hpp"
#include "admin/routes.hpp"
#include "core/log.hpp"
#include "dataplane/snapshot.hpp"
#include "presets/apply.hpp"
#include "presets/sync.hpp"

namespace gw::admin {

namespace {

constexpr std::size_t kDefaultSearchLimit = 20;
constexpr std::size_t kMaxSearchLimit = 200;

// ---- blocking helpers (run on the pool) -----------------------------------------------------

Result<json::object> statusJson(AdminDeps& d) {
  auto status = d.presets.status();
  if (!status) {
    return status.error();
  }
  return presets::statusToJson(*status);
}

json::object outcomeJson(const presets::SyncOutcome& o) {
  json::object out;
  out["result"] = o.result;
  out["count"] = static_cast<std::int64_t>(o.count);
  out["skipped"] = static_cast<std::int64_t>(o.skipped);
  out["error"] = o.error;
  return out;
}

/// Runs a sync or an upload and answers the status with the outcome; a failure is an error
/// (`code` says whose fault) that says the previous presets are still in effect.
Result<json::value> replacePresets(AdminDeps& d, const std::string* upload) {
  const auto outcome = upload ? d.presets.importFile(*upload) : d.presets.syncNow();
  if (!outcome.ok()) {
    const std::string kept =
        "; the " + std::to_string(outcome.count) + " presets in effect are kept";
    if (upload) {
      return Error::invalid("the file is not a usable LiteLLM price file: " + outcome.error + kept);
    }
    return Error{ErrorCode::UpstreamError, "the presets download failed: " + outcome.error + kept};
  }
  auto status = statusJson(d);
  if (!status) {
    return status.error();
  }
  (*status)["outcome"] = outcomeJson(outcome);
  return json::value(std::move(*status));
}

json::object searchPresets(AdminDeps& d, const std::string& q, const std::string& provider,
                           std::size_t limit) {
  const auto index = d.presets.index();  // hits point into it: keep it alive while reading
  json::array data;
  for (const auto& hit : index->search(q, provider, limit)) {
    auto entry = presets::presetToJson(*hit.preset);
    entry["score"] = hit.score;
    data.push_back(std::move(entry));
  }
  json::object out;
  out["data"] = std::move(data);
  out["total"] = static_cast<std::int64_t>(index->size());
  return out;
}

/// Writes a preset patch into a stored model (fields the preset does not know are kept).
store::ModelRow patchModel(AdminDeps& d, store::ModelRow row, const json::object& patch) {
  std::vector<http::FieldError> ignored;  // presets carry valid values; a bad one is skipped
  readModelFields(patch, row, ignored, false);
  return d.store.models().update(row);
}

Result<json::value> applyOne(AdminDeps& d, std::int64_t model_id, const std::string& name) {
  auto row = d.store.models().get(model_id);
  if (!row) {
    return fieldError("model_id", "no model with id " + std::to_string(model_id));
  }
  const auto index = d.presets.index();
  const auto* preset = index->find(name);
  if (!preset) {
    return fieldError("preset", "no preset named \"" + name + "\" (see /api/admin/presets/search)");
  }
  json::object patch;
  presets::applyPreset(*preset, patch);
  auto updated = patchModel(d, std::move(*row), patch);
  d.snapshots.rebuild();
  return json::value(modelJson(updated));
}

Result<json::value> applyProvider(AdminDeps& d, std::int64_t provider_id) {
  auto provider = d.store.providers().get(provider_id);
  if (!provider) {
    return fieldError("provider_id", "no provider with id " + std::to_string(provider_id));
  }
  std::vector<store::ModelRow> models;
  std::vector<presets::ModelRef> refs;
  for (auto& m : d.store.models().all()) {
    if (m.provider_id == provider_id) {
      refs.push_back({m.id, m.name, m.model_id});
      models.push_back(std::move(m));
    }
  }
  const auto index = d.presets.index();
  const auto plan = presets::planProviderApply(*index, provider->type, refs);
  json::array details;
  for (const auto& u : plan.updates) {
    for (const auto& m : models) {
      if (m.id == u.id) {
        patchModel(d, m, u.patch);
        json::object detail;
        detail["model"] = m.name;
        detail["preset"] = u.preset;
        detail["score"] = u.score;
        details.push_back(std::move(detail));
      }
    }
  }
  if (!plan.updates.empty()) {
    d.snapshots.rebuild();
  }
  json::array unmatched;
  for (const auto& name : plan.unmatched) {
    unmatched.emplace_back(name);
  }
  json::object out;
  out["updated"] = static_cast<std::int64_t>(plan.updates.size());
  out["unmatched"] = std::move(unmatched);
  out["details"] = std::move(details);
  return json::value(std::move(out));
}

// ---- request parsing ------------------------------------------------------------------------

std::size_t searchLimit(const RequestContext& rc) {
  const std::string text = rc.queryParam("limit");
  std::size_t limit = kDefaultSearchLimit;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), limit);
  if (text.empty() || ec != std::errc() || p != text.data() + text.size() || limit == 0) {
    limit = kDefaultSearchLimit;
  }
  return std::min(limit, kMaxSearchLimit);
}

struct ApplyRequest {
  std::int64_t id = 0;
  std::string preset;
};

/// {"model_id","preset"} (`id_key` "model_id") or {"provider_id"} (`id_key` "provider_id").
std::vector<http::FieldError> readApply(const json::object& body, const char* id_key,
                                        bool with_preset, ApplyRequest& out) {
  FieldReader f(body);
  if (!f.has(id_key) || f.isNull(id_key)) {
    f.fail(id_key, "is required");
  } else if (auto id = f.integer(id_key, 1, std::numeric_limits<std::int64_t>::max())) {
    out.id = *id;
  }
  if (with_preset) {
    if (auto preset = f.string("preset", 300, true)) {
      out.preset = std::move(*preset);
    }
  }
  return f.errors();
}

/// A BodyWork reading {"<id_key>"} (and "preset" when `with_preset`), then running `work`.
BodyWork applyWork(const char* id_key, bool with_preset,
                   std::function<Result<json::value>(const ApplyRequest&)> work) {
  return [id_key, with_preset, work = std::move(work)](const json::object& body,
                                                       std::vector<http::FieldError>& errors) {
    ApplyRequest req;
    errors = readApply(body, id_key, with_preset, req);
    return errors.empty() ? work(req) : Result<json::value>(invalidFields());
  };
}

Result<json::value> statusAnswer(AdminDeps& d) {
  auto status = statusJson(d);
  if (!status) {
    return status.error();
  }
  return json::value(std::move(*status));
}

// ---- background sync ------------------------------------------------------------------------

presets::SyncOutcome runSync(AdminDeps& d) {
  return d.presets.syncNow();
}

bool needsInitialSync(AdminDeps& d) {
  return d.presets.needsInitialSync();
}

void logOutcome(const presets::SyncOutcome& o, const char* trigger) {
  if (o.ok()) {
    GW_LOG_INFO("presets synced{}{}{}", log::kv("trigger", trigger), log::kv("result", o.result),
                log::kv("count", static_cast<long long>(o.count)));
  } else {
    GW_LOG_WARN("presets sync failed; previous presets kept{}{}{}", log::kv("trigger", trigger),
                log::kv("count", static_cast<long long>(o.count)), log::kv("error", o.error));
  }
}

void logSchedulerFailure(const char* what) {
  GW_LOG_ERROR("presets scheduler stopped{}", log::kv("error", what));
}

net::awaitable<void> syncLoop(AdminDeps& d) {
  const bool initial = co_await d.pool.run([&d] { return needsInitialSync(d); });
  if (initial) {
    const auto outcome = co_await d.pool.run([&d] { return runSync(d); });
    logOutcome(outcome, "startup");
  }
  net::steady_timer timer(co_await net::this_coro::executor);
  for (;;) {
    timer.expires_after(presets::kSyncInterval);
    auto [ec] = co_await timer.async_wait(net::as_tuple(net::use_awaitable));
    if (ec) {
      co_return;  // cancelled: the loop is shutting down
    }
    const auto outcome = co_await d.pool.run([&d] { return runSync(d); });
    logOutcome(outcome, "interval");
  }
}

net::awaitable<void> guardedSyncLoop(AdminDeps& d) {
  try {
    co_await syncLoop(d);
  } catch (const std::exception& e) {
    logSchedulerFailure(e.what());
  }
}

}  // namespace

void startPresetScheduler(AdminDeps& d, net::io_context& loop, bool auto_sync) {
  if (!auto_sync) {
    GW_LOG_INFO("presets auto-sync is off (PRESETS_AUTO_SYNC=false)");
    return;
  }
  // The coroutine lives on `loop`: when the loop stops, its pending timer wait is destroyed
  // with it and the scheduler ends.
  net::co_spawn(loop, guardedSyncLoop(d), net::detached);
}

void registerPresetRoutes(http::Router& r, AdminDeps& d) {
  r.add("GET", "/api/admin/presets/status",
        guarded(d.jwt, d.clock,
                [&d](RequestContext& rc, const auth::Claims&) -> net::awaitable<void> {
                  const PoolWork work = [&] { return statusAnswer(d); };
                  co_await respond(rc, d.pool, work);
                }));

  r.add("GET", "/api/admin/presets/search",
        guarded(d.jwt, d.clock,
                [&d](RequestContext& rc, const auth::Claims&) -> net::awaitable<void> {
                  const std::string q = rc.queryParam("q");
                  const std::string provider = rc.queryParam("provider");
                  const std::size_t limit = searchLimit(rc);
                  auto answer =
                      co_await d.pool.run([&] { return searchPresets(d, q, provider, limit); });
                  co_await rc.sendJson(200, answer);
                }));

  r.add("POST", "/api/admin/presets/refresh",
        guarded(d.jwt, d.clock,
                [&d](RequestContext& rc, const auth::Claims&) -> net::awaitable<void> {
                  const PoolWork work = [&] { return replacePresets(d, nullptr); };
                  co_await respond(rc, d.pool, work);
                }));

  r.add("POST", "/api/admin/presets/upload",
        guarded(d.jwt, d.clock,
                [&d](RequestContext& rc, const auth::Claims&) -> net::awaitable<void> {
                  const std::string body(rc.body());
                  const PoolWork work = [&] { return replacePresets(d, &body); };
                  co_await respond(rc, d.pool, work);
                }));

  r.add("POST", "/api/admin/presets/apply",
        bodyRoute(d, applyWork("model_id", true, [&d](const ApplyRequest& req) {
                    return applyOne(d, req.id, req.preset);
                  })));
  r.add("POST", "/api/admin/presets/apply-provider",
        bodyRoute(d, applyWork("provider_id", false, [&d](const ApplyRequest& req) {
                    return applyProvider(d, req.id);
                  })));
}

}  // namespace gw::admin
