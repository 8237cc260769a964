#!/usr/bin/env bash
# Creates .env from .env.example with fresh random secrets, unless .env exists.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f .env ]; then
  exit 0
fi
jwt=$(head -c 48 /dev/urandom | base64 | tr -d '/+=\n' | head -c 48)
key=$(head -c 48 /dev/urandom | base64 | tr -d '/+=\n' | head -c 48)
sed -e "s|^JWT_SECRET=.*|JWT_SECRET=$jwt|" -e "s|^SECRET_KEY=.*|SECRET_KEY=$key|" .env.example > .env
chmod 600 .env
echo "created .env with fresh JWT_SECRET and SECRET_KEY"
