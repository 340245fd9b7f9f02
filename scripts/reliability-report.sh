#!/usr/bin/env bash
# Runs the reliability tests (tests/ProcMacroSrv.Reliability.Tests) and writes RELIABILITY.md at
# the repository root from what they tried and what the server answered: the tests log each
# scenario (PROC_MACRO_SRV_RELIABILITY_LOG), the run's TRX file gives the results, and the test
# assembly's own `report` entry point turns both into the table. Nothing in it is typed by hand.
#
# Usage: scripts/reliability-report.sh [extra `dotnet test` arguments]
# Environment: PROC_MACRO_SRV_FUZZ_SECONDS (per fuzz target; default here 10),
#              PROC_MACRO_SRV_FUZZ_SEED, PROC_MACRO_SRV_SOAK_EXPANSIONS (default 10000).
# Exits with the test run's status; the report is written either way.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PROC_MACRO_SRV_RELIABILITY_LOG="$work/scenarios.jsonl"
export PROC_MACRO_SRV_FUZZ_SECONDS="${PROC_MACRO_SRV_FUZZ_SECONDS:-10}"
: >"$PROC_MACRO_SRV_RELIABILITY_LOG"

# The server users run, as scripts/test.sh tests it: the NativeAOT build (memory and time per
# expansion in the report are that build's), unless PROC_MACRO_SRV_EXECUTABLE names another.
server="the published (NativeAOT) \`proc-macro-srv\` executable"
if [[ -n "${PROC_MACRO_SRV_EXECUTABLE:-}" ]]; then
    server="\`$(basename "$PROC_MACRO_SRV_EXECUTABLE")\` (PROC_MACRO_SRV_EXECUTABLE)"
else
    bash scripts/publish-server.sh artifacts/published -nologo -v quiet
    export PROC_MACRO_SRV_EXECUTABLE="$PWD/artifacts/published/proc-macro-srv"
fi
project=tests/ProcMacroSrv.Reliability.Tests
dotnet build "$project" -c Release
status=0
dotnet test "$project" -c Release --no-build --results-directory "$work" --logger "trx;LogFileName=results.trx" "$@" || status=$?

toolchain=$(rustup run stable rustc -V 2>/dev/null || echo "rustup stable")
dotnet "$project/bin/Release/net10.0/ProcMacroSrv.Reliability.Tests.dll" report \
    "$PROC_MACRO_SRV_RELIABILITY_LOG" "$work/results.trx" RELIABILITY.md "$toolchain" "$server"
exit "$status"
