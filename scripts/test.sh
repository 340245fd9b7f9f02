#!/usr/bin/env bash
# The test command (README): installs what the tests need, publishes the NativeAOT server that
# users run (the server, reliability and rust-analyzer tests run that binary), then runs every
# test project. Idempotent: a second run installs nothing and reuses cargo's and dotnet's caches.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
published="$PWD/artifacts/published"
bash scripts/publish-server.sh "$published"
export PROC_MACRO_SRV_EXECUTABLE="$published/proc-macro-srv"
dotnet test ProcMacroSrv.slnx -c Release "$@"
