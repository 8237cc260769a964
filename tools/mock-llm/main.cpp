// mock-llm: deterministic fake upstream LLM provider for the gateway's tests and benchmarks.
// Usage: mock-llm --host 127.0.0.1 --port 0 [--threads N] [--port-file PATH]
#include "server.hpp"

#include <cstdio>
#include <exception>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>

namespace {

constexpr std::string_view kUsage =
    "usage: mock-llm [--host 127.0.0.1] [--port 0] [--threads 1] [--port-file PATH]\n";

struct Options {
  std::string host = "127.0.0.1";
  unsigned short port = 0;
  int threads = 1;
  std::string port_file;
};

Options parseArgs(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      std::exit(0);
    }
    if (i + 1 >= argc) {
      throw std::invalid_argument("missing value for " + std::string(arg));
    }
    std::string value = argv[++i];
    if (arg == "--host") {
      o.host = value;
    } else if (arg == "--port") {
      int p = std::stoi(value);
      if (p < 0 || p > 65535) {
        throw std::invalid_argument("--port: must be 0..65535");
      }
      o.port = static_cast<unsigned short>(p);
    } else if (arg == "--threads") {
      o.threads = std::stoi(value);
      if (o.threads < 1) {
        throw std::invalid_argument("--threads: must be a positive number");
      }
    } else if (arg == "--port-file") {
      o.port_file = value;
    } else {
      throw std::invalid_argument("unknown option " + std::string(arg));
    }
  }
  return o;
}

} // namespace

int main(int argc, char** argv) {
  try {
    Options opts = parseArgs(argc, argv);
    gw::mock::Server server(opts.host, opts.port, opts.threads);
    const unsigned short port = server.port();
    if (!opts.port_file.empty()) {
      std::ofstream(opts.port_file) << port << '\n';
    }
    std::cout << "mock-llm listening on " << opts.host << ':' << port << std::endl;
    server.run();
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "mock-llm: " << e.what() << '\n' << kUsage;
    return 1;
  }
}
