#!/usr/bin/env bash
# The test command (README): installs what the tests need, then runs every test project.
# Idempotent: a second run installs nothing and reuses cargo's and dotnet's build caches.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
dotnet test ProcMacroSrv.slnx -c Release "$@"
