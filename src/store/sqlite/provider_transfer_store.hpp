#pragma once

#include <chrono>
#include <vector>

#include "core/result.hpp"
#include "presets/provider_transfer.hpp"
#include "store/sqlite/database.hpp"

namespace gw::store::sqlite {

/// Providers with their models, ordered by name, ready for presets::buildExport(). Carries no
/// API key (the sealed key is never read); `config` is the stored object as is, so the export
/// must go through buildExport(), which strips secret fields.
/// Blocking: call from the blocking pool.
Result<std::vector<presets::TransferProvider>> loadProvidersForExport(Database& db,
                                                                      bool enabled_only);

/// Writes a validated import plan in one transaction: a provider whose name exists is skipped,
/// the others are created disabled and without a key, with their models. A provider whose
/// insert fails (rolled back alone, through a savepoint) counts as failed; the rest go on.
/// Blocking: call from the blocking pool.
Result<presets::ImportReport> applyImportPlan(Database& db, const presets::ImportPlan& plan,
                                              std::chrono::system_clock::time_point now);

}  // namespace gw::store::sqlite
