#pragma once

#include <fstream>
#include <sstream>
#include <string>

namespace gw::presets::testing {

/// The real LiteLLM price file (2025-11-21 copy, 1,803 models + sample_spec).
inline std::string readLiteLlmFixture() {
  std::ifstream in(std::string(GW_SHARED_DATA_DIR) + "/litellm_model_prices.json",
                   std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace gw::presets::testing
