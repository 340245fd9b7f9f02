#!/usr/bin/env bash
# The session benchmark (BENCHMARKS.md): publishes our NativeAOT server into artifacts/bench/server,
# builds the fixture crates with rustup stable, replays the same json-legacy sessions against our
# server and the stable toolchain's rust-analyzer-proc-macro-srv (alternating rounds), and updates
# the generated part of BENCHMARKS.md. 4–5 minutes (publishing included); `--quick` about 1.
#
# Usage: scripts/bench.sh [--quick] [harness options: --only CASE, --with-in-process, --help, ...]
# Needs what the tests need (scripts/install-deps.sh): rustup stable and Debian's librust-*-dev crates.
set -euo pipefail
cd "$(dirname "$0")/.."
server_dir=artifacts/bench/server
echo "publishing the NativeAOT server into $server_dir ..."
bash scripts/publish-server.sh "$server_dir" -nologo -v quiet
dotnet build bench/ProcMacroSrv.Bench.Sessions -c Release -nologo -v quiet
exec dotnet bench/ProcMacroSrv.Bench.Sessions/bin/Release/net10.0/ProcMacroSrv.Bench.Sessions.dll \
    --server "$server_dir/proc-macro-srv" "$@"
