# LLM Gateway: `make run` sets up and starts the gateway; `make test` runs every test.
SHELL := /bin/bash
JOBS ?= $(shell nproc)
RELEASE_DIR := build/release
TEST_DIR := build/asan
CMAKE_COMMON := -G Ninja -DCMAKE_EXPORT_COMPILE_COMMANDS=ON

.PHONY: run test build build-test web bootstrap bench clean env

## Set up a fresh Debian 12 machine, build, create .env, start on port 3000.
run: bootstrap build web env
	mkdir -p data
	exec ./$(RELEASE_DIR)/llm-gateway serve

## Install what is missing, build with sanitizers, run every suite.
test:
	scripts/bootstrap.sh --test
	$(MAKE) build-test web
	scripts/run-tests.sh $(TEST_DIR)

bootstrap:
	scripts/bootstrap.sh

env:
	scripts/make-env.sh

build:
	cmake -S . -B $(RELEASE_DIR) $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=Release -DGW_BUILD_TESTS=OFF
	cmake --build $(RELEASE_DIR) -j $(JOBS) --target llm-gateway mock-llm

build-test:
	cmake -S . -B $(TEST_DIR) $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=Debug -DGW_SANITIZE=ON
	cmake --build $(TEST_DIR) -j $(JOBS)

web:
	@if [ -f web/package.json ]; then cd web && npm run build; else echo "web: no UI sources yet"; fi

bench: bootstrap build
	bench/run.sh

clean:
	rm -rf build web/dist
