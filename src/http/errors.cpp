#include "http/errors.hpp"

namespace gw::http {

json::object openAiErrorBody(const Error& error) {
  json::object inner;
  inner["message"] = error.message;
  inner["type"] = openAiType(error.code);
  inner["param"] = error.param.empty() ? json::value(nullptr) : json::value(error.param);
  inner["code"] = errorCodeName(error.code);
  json::object out;
  out["error"] = std::move(inner);
  return out;
}

json::object adminErrorBody(const Error& error, const std::vector<FieldError>& details) {
  json::object inner;
  inner["code"] = errorCodeName(error.code);
  inner["message"] = error.message;
  if (!details.empty()) {
    json::array arr;
    for (const auto& d : details) {
      arr.push_back(json::object{{"path", d.path}, {"message", d.message}});
    }
    inner["details"] = std::move(arr);
  } else if (!error.param.empty()) {
    inner["details"] = json::array{json::object{{"path", error.param}, {"message", error.message}}};
  }
  json::object out;
  out["error"] = std::move(inner);
  return out;
}

bool isDataPlanePath(std::string_view path) {
  if (path.rfind("/v1/", 0) == 0 || path == "/v1") {
    return true;
  }
  for (std::string_view p : {"/chat/completions", "/completions", "/embeddings", "/models",
                             "/messages"}) {
    if (path == p) {
      return true;
    }
  }
  return false;
}

json::object errorBodyFor(std::string_view path, const Error& error) {
  return isDataPlanePath(path) ? openAiErrorBody(error) : adminErrorBody(error);
}

}  // namespace gw::http
