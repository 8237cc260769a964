#!/usr/bin/env bash
# Flags C++ patterns that GCC 12 miscompiles in coroutines (each one crashed us):
#   - `co_await` inside an `if`/`while` condition or a `?:` expression: the coroutine is later
#     resumed at an invalid suspend point (SIGILL) or a result is destroyed twice;
#   - a braced temporary (`json::object{{...}}`, `Error{...}` aggregates) inside a `co_await`
#     expression: "array used as initializer" or a double free.
# Await into a named local first, then test it.
set -uo pipefail
cd "$(dirname "$0")/.."
pattern='(if|while) \((!|[^;]*(&&|\|\|) *!?)?co_await|\? *co_await|: *co_await [a-zA-Z_]+\(|co_await [^;]*json::(object|array)\{\{'
hits=$(grep -rnE "$pattern" src tools tests --include='*.cpp' --include='*.hpp' | grep -v '^\s*//' | grep -vE ':\s*//' || true)
if [ -n "$hits" ]; then
  echo "coroutine patterns GCC 12 miscompiles (await into a local first):"
  echo "$hits"
  exit 1
fi
echo "coroutine lint: clean"
