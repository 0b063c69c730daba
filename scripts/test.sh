#!/usr/bin/env bash
# Runs every check of the project: vet, then the whole test suite, whose
# end-to-end tests start their own IAM sandbox servers on loopback.
# Shared test data is read from ../shared/data next to the checkout when
# present, or from the directory IAMSYNC_SHARED_DATA names.
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

go version
go mod download

unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "These files are not gofmt-formatted:" >&2
  echo "$unformatted" >&2
  exit 1
fi
go vet ./...
go test -count=1 -timeout 12m ./...
