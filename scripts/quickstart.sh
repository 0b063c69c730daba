#!/usr/bin/env bash
# The quick start: builds iamsync, applies the example organisation in
# testdata/org to a fresh IAM sandbox, then plans again, which must show no
# changes. The sandbox's state is kept in .sandbox/state.json.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v go >/dev/null 2>&1; then
  if [ -x /usr/local/go/bin/go ]; then
    export PATH="/usr/local/go/bin:$PATH"
  else
    echo "Go is not installed: install Go 1.26 or later from https://go.dev/dl/ and run this again." >&2
    exit 1
  fi
fi

mkdir -p bin .sandbox
go build -o bin/iamsync ./cmd/iamsync
rm -f .sandbox/state.json

echo "==> iamsync apply (a fresh sandbox account)"
bin/iamsync apply --sandbox .sandbox/state.json --auto-approve testdata/org

echo
echo "==> iamsync plan (must show no changes)"
bin/iamsync plan --sandbox .sandbox/state.json --detailed-exitcode testdata/org
