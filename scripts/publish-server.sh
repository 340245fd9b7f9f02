#!/usr/bin/env bash
# Publishes the NativeAOT server (the executable users run) into DIR (default artifacts/published),
# as the README's publish command does. Used by test.sh, bench.sh, bench-profile.sh and
# reliability-report.sh.
#
# Retried once: the NativeAOT compiler (ILC 9.0.20) has crashed here with a NullReferenceException
# in its multi-threaded scanner and succeeded on the next run of the same sources; a real build
# error fails both times.
#
# Usage: scripts/publish-server.sh [DIR] [extra `dotnet publish` arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-artifacts/published}"
shift || true
dotnet publish src/ProcMacroSrv -c Release -p:AotBuild=true -o "$out" "$@" \
    || { echo "publish-server.sh: publishing failed; retrying once" >&2; dotnet publish src/ProcMacroSrv -c Release -p:AotBuild=true -o "$out" "$@"; }
