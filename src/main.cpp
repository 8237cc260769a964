// llm-gateway: serve | version
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

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
                 "       llm-gateway version\n"
                 "Settings also come from .env and the environment (see docs/configuration.md).\n";
    return 0;
  }
  if (command != "serve") {
    std::cerr << "unknown command \"" << command << "\" (try: serve, version, help)\n";
    return 2;
  }
  std::vector<std::string> args(argv + 2, argv + argc);
  return gw::app::runServe(args);
}
