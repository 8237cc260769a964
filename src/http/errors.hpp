#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/json.hpp"

namespace gw::http {

/// A field-level validation problem, e.g. {"targets[1].weight", "must be >= 0"}.
struct FieldError {
  std::string path;
  std::string message;
};

/// OpenAI's error shape: {"error":{"message","type","param","code"}}.
json::object openAiErrorBody(const Error& error);
/// The admin API's shape: {"error":{"code","message","details"?}}.
json::object adminErrorBody(const Error& error, const std::vector<FieldError>& details = {});
/// Whether a path belongs to the OpenAI-compatible data plane (errors in OpenAI's shape).
bool isDataPlanePath(std::string_view path);
/// The error body in the shape the path's clients expect.
json::object errorBodyFor(std::string_view path, const Error& error);

}  // namespace gw::http
