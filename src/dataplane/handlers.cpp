#include "dataplane/dataplane.hpp"

#include "dataplane/proxy.hpp"
#include "http/client/client_set.hpp"

namespace gw::dataplane {

using providers::Operation;

void registerDataplaneRoutes(http::Router& router, DataplaneDeps& deps) {
  // Owned by the router's handlers for the life of the process.
  auto dp = std::make_shared<Dataplane>(deps, deps.clients.size());
  auto post = [&router, dp](std::string_view path, Operation op, Ingress ingress) {
    http::Handler h = [dp, op, ingress](http::RequestContext& rc) {
      return dp->proxy(rc, op, ingress);
    };
    router.add("POST", std::string("/v1") + std::string(path), h);
    router.add("POST", path, h);
  };
  post("/chat/completions", Operation::ChatCompletions, Ingress::OpenAi);
  post("/completions", Operation::Completions, Ingress::OpenAi);
  post("/embeddings", Operation::Embeddings, Ingress::OpenAi);
  post("/messages", Operation::Messages, Ingress::Anthropic);
  http::Handler models = [dp](http::RequestContext& rc) { return dp->listModels(rc); };
  router.add("GET", "/v1/models", models);
  router.add("GET", "/models", models);
}

}  // namespace gw::dataplane
