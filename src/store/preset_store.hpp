#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "presets/preset.hpp"

namespace gw::store {

/// Where a preset set came from, kept to make the next download conditional.
struct PresetSyncMeta {
  std::string source;         ///< URL, or "upload"
  std::string etag;           ///< ETag of the download ("" for uploads)
  std::string last_modified;  ///< Last-Modified of the download ("" for uploads)
};

/// The state of preset synchronisation, as GET /api/admin/presets/status shows it.
struct PresetStatus {
  std::int64_t count = 0;                      ///< presets stored
  std::optional<std::string> last_sync_at;     ///< last attempt (RFC 3339), success or not
  std::optional<std::string> last_success_at;  ///< last attempt that confirmed the set
  std::optional<std::string> updated_at;       ///< when the stored set last changed
  std::string last_result = "never";           ///< "never" | "updated" | "not_modified" | "failed"
  std::string last_error;                      ///< why the last attempt failed; "" otherwise
  std::string source;
  std::string etag;
  std::string last_modified;
};

/// Persistence of LiteLLM presets. Implementations are blocking: call them from the blocking
/// pool only.
/// @par Thread Safety
/// Implementations serialise their own access; safe from any blocking-pool thread.
class PresetStore {
public:
  virtual ~PresetStore() = default;

  /// Replaces every stored preset with `presets` and records a successful sync ("updated"), in
  /// one transaction: on failure the previous set and status are untouched.
  virtual Result<void> replaceAll(const std::vector<presets::Preset>& presets,
                                  const PresetSyncMeta& meta,
                                  std::chrono::system_clock::time_point now) = 0;
  /// Every stored preset, ordered by name.
  virtual Result<std::vector<presets::Preset>> loadAll() = 0;
  virtual Result<PresetStatus> status() = 0;
  /// Records a conditional download answered 304: the set is still current.
  virtual Result<void> recordNotModified(std::chrono::system_clock::time_point now) = 0;
  /// Records a failed attempt (`error` says why); the stored set is kept.
  virtual Result<void> recordFailure(std::string_view source, std::string_view error,
                                     std::chrono::system_clock::time_point now) = 0;
};

}  // namespace gw::store
