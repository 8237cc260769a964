#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/json.hpp"
#include "core/result.hpp"
#include "presets/search.hpp"
#include "store/preset_store.hpp"

namespace gw::presets {

/// LiteLLM's own copy of the file; LITELLM_PRESETS_URL overrides it.
inline constexpr std::string_view kDefaultPresetsUrl =
    "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json";

/// How often the background refresh runs.
inline constexpr std::chrono::hours kSyncInterval{24};

/// The answer to one conditional GET.
struct FetchResult {
  int status = 0;             ///< HTTP status (200, 304, 404, ...); 0 when no answer arrived
  std::string body;           ///< for 200
  std::string etag;           ///< ETag response header, if any
  std::string last_modified;  ///< Last-Modified response header, if any
  std::string error;          ///< transport failure ("connection refused", "timeout"); "" otherwise
};

/// Downloads a URL. The implementation (HTTP client, TLS, deadlines, size limit) lives with the
/// HTTP wiring; tests use a fake.
/// @par Thread Safety
/// fetch() is called from one blocking-pool thread at a time (PresetSync serialises syncs).
class Fetcher {
public:
  virtual ~Fetcher() = default;
  /// GET `url`, sending If-None-Match: `etag` and If-Modified-Since: `last_modified` when they
  /// are not empty. Blocks until the answer, a transport error or the deadline.
  virtual FetchResult fetch(const std::string& url, const std::string& etag,
                            const std::string& last_modified) = 0;
};

/// What one sync or upload did.
struct SyncOutcome {
  std::string result;  ///< "updated" | "not_modified" | "failed"
  std::size_t count = 0;    ///< presets in effect afterwards
  std::size_t skipped = 0;  ///< entries of the file that were not objects
  std::string error;        ///< why it failed; "" otherwise
  bool ok() const { return result != "failed"; }
};

/// Keeps the LiteLLM presets: downloads (conditionally), parses, stores and publishes them as
/// an immutable PresetIndex. A failure at any step keeps the last good set and records why.
/// HTTP-agnostic: the caller supplies a Fetcher and schedules syncNow() (at start-up when
/// needsInitialSync(), every kSyncInterval, and on demand).
/// @par Thread Safety
/// index() is lock-free and safe from any thread, including event loops. load(), syncNow(),
/// importFile() and status() block (store and network) and belong on the blocking pool; they
/// are serialised internally, so a manual refresh during the background one simply waits.
class PresetSync {
public:
  /// Borrows `store`, `fetcher` and `clock`, which must outlive this object.
  PresetSync(store::PresetStore& store, Fetcher& fetcher, const Clock& clock, std::string url);

  /// Loads the stored presets into the index (call once at start-up).
  Result<void> load();
  /// Downloads the file with the stored ETag/Last-Modified. 304 keeps the set ("not_modified");
  /// 200 parses and replaces it ("updated"); anything else keeps it ("failed", with why).
  SyncOutcome syncNow();
  /// Replaces the set from an uploaded file body (source "upload"); a bad file keeps the set.
  SyncOutcome importFile(std::string_view body);
  /// True when no preset is stored or loaded: the start-up sync should run now.
  bool needsInitialSync() const;
  /// The presets now in effect; never null (empty before the first load).
  std::shared_ptr<const PresetIndex> index() const { return index_.load(); }
  Result<store::PresetStatus> status();
  const std::string& url() const { return url_; }

private:
  SyncOutcome replace(std::string_view body, const store::PresetSyncMeta& meta);
  SyncOutcome fail(std::string_view source, std::string error);

  store::PresetStore& store_;
  Fetcher& fetcher_;
  const Clock& clock_;
  std::string url_;
  std::mutex sync_mutex_;
  std::atomic<std::shared_ptr<const PresetIndex>> index_;
};

/// The status as GET /api/admin/presets/status answers it: {"count","last_sync_at",
/// "last_success_at","updated_at","last_result","last_error","source","etag","last_modified"}.
json::object statusToJson(const store::PresetStatus& status);

}  // namespace gw::presets
