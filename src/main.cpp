// llm-gateway: serve | agent | version
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "app/agent_app.hpp"
#include "app/app.hpp"

int main(int argc, char** argv) {
  const std::string command = argc > 1 ? argv[1] : "serve";
  if (command == "version" || command == "--version") {
    std::cout << "llm-gateway " << gw::app::kVersion << "\n";
    return 0;
  }
  if (command == "help" || command == "--help" || command == "-h") {
    std::cout << "usage: llm-gateway serve [--port N] [--host H] [--threads N] [--db-path P]\n"
                 "                         [--log-level L] [--web-dir D] [--env E]\n"
                 "       llm-gateway agent --control-plane URL --agent-key KEY [--region R]\n"
                 "                         [--port N] [--host H] [--threads N]\n"
                 "                         [--state-dir D] [--log-level L]\n"
                 "       llm-gateway version\n"
                 "serve settings also come from .env and the environment; agent settings from\n"
                 "CONTROL_PLANE_URL, AGENT_KEY, AGENT_REGION, AGENT_STATE_DIR, PORT, HOST, THREADS\n"
                 "and LOG_LEVEL (see docs/configuration.md and docs/agents.md).\n";
    return 0;
  }
  std::vector<std::string> args(argc > 2 ? argv + 2 : argv + argc, argv + argc);
  if (command == "agent") {
    return gw::app::runAgent(args);
  }
  if (command != "serve") {
    std::cerr << "unknown command \"" << command << "\" (try: serve, agent, version, help)\n";
    return 2;
  }
  return gw::app::runServe(args);
}
