#include "presets/sync.hpp"

#include "presets/litellm.hpp"

namespace gw::presets {

namespace {

constexpr std::string_view kUploadSource = "upload";

json::value optString(const std::optional<std::string>& s) {
  return s ? json::value(*s) : json::value(nullptr);
}

}  // namespace

PresetSync::PresetSync(store::PresetStore& store, Fetcher& fetcher, const Clock& clock,
                       std::string url)
    : store_(store),
      fetcher_(fetcher),
      clock_(clock),
      url_(std::move(url)),
      index_(std::make_shared<const PresetIndex>(std::vector<Preset>{})) {}

Result<void> PresetSync::load() {
  std::lock_guard lock(sync_mutex_);
  auto all = store_.loadAll();
  if (!all) {
    return all.error();
  }
  index_.store(std::make_shared<const PresetIndex>(std::move(*all)));
  return {};
}

bool PresetSync::needsInitialSync() const { return index_.load()->size() == 0; }

Result<store::PresetStatus> PresetSync::status() { return store_.status(); }

SyncOutcome PresetSync::fail(std::string_view source, std::string error) {
  SyncOutcome out{"failed", index_.load()->size(), 0, std::move(error)};
  // The store may be the thing that failed; the outcome still says why.
  (void)store_.recordFailure(source, out.error, clock_.now());
  return out;
}

SyncOutcome PresetSync::replace(std::string_view body, const store::PresetSyncMeta& meta) {
  auto parsed = parseLiteLlmDetailed(body);
  if (!parsed) {
    return fail(meta.source, parsed.error().message);
  }
  if (auto stored = store_.replaceAll(parsed->presets, meta, clock_.now()); !stored) {
    return fail(meta.source, stored.error().message);
  }
  const std::size_t skipped = parsed->skipped;
  auto index = std::make_shared<const PresetIndex>(std::move(parsed->presets));
  const std::size_t count = index->size();
  index_.store(std::move(index));
  return SyncOutcome{"updated", count, skipped, {}};
}

SyncOutcome PresetSync::syncNow() {
  std::lock_guard lock(sync_mutex_);
  auto st = store_.status();
  if (!st) {
    return fail(url_, st.error().message);
  }
  // Validators from another source (an upload, an older URL) say nothing about this URL.
  const bool same_source = st->source == url_ && st->count > 0 && index_.load()->size() > 0;
  const std::string etag = same_source ? st->etag : std::string();
  const std::string last_modified = same_source ? st->last_modified : std::string();

  FetchResult r = fetcher_.fetch(url_, etag, last_modified);
  if (!r.error.empty()) {
    return fail(url_, "download failed: " + r.error);
  }
  if (r.status == 304) {
    if (auto rec = store_.recordNotModified(clock_.now()); !rec) {
      return fail(url_, rec.error().message);
    }
    return SyncOutcome{"not_modified", index_.load()->size(), 0, {}};
  }
  if (r.status != 200) {
    return fail(url_, "download failed: HTTP " + std::to_string(r.status));
  }
  return replace(r.body, {url_, std::move(r.etag), std::move(r.last_modified)});
}

SyncOutcome PresetSync::importFile(std::string_view body) {
  std::lock_guard lock(sync_mutex_);
  return replace(body, {std::string(kUploadSource), {}, {}});
}

json::object statusToJson(const store::PresetStatus& s) {
  return json::object{
      {"count", s.count},
      {"last_sync_at", optString(s.last_sync_at)},
      {"last_success_at", optString(s.last_success_at)},
      {"updated_at", optString(s.updated_at)},
      {"last_result", s.last_result},
      {"last_error", s.last_error.empty() ? json::value(nullptr) : json::value(s.last_error)},
      {"source", s.source},
      {"etag", s.etag},
      {"last_modified", s.last_modified},
  };
}

}  // namespace gw::presets
