#!/usr/bin/env bash
# Where our server's time goes (BENCHMARKS.md, "Profile"). For each case, samples every process
# with perf (software cpu-clock event: it works in VMs without hardware counters; symbols of the
# NativeAOT server come from proc-macro-srv.dbg next to it) while our server alone answers the
# case 10 times, then prints, for the worker and for the supervisor, the split by library (our
# server, the macro's dylib, libc, kernel), the share of the server's phases (bridge RPCs, result
# encoding, GC, ...) and the functions with the most samples (scripts/bench-perf-summary.py).
#
# Usage: scripts/bench-profile.sh [CASE ...]    e.g. "clap.Parser n=1000" (names as in BENCHMARKS.md)
# Needs `perf` (apt-get install linux-perf), python3 and a published server (scripts/bench.sh publishes it;
# set PUBLISH=1 to publish here). Output: artifacts/bench/perf/<case>.{data,txt}.
set -euo pipefail
cd "$(dirname "$0")/.."
server_dir=artifacts/bench/server
out=artifacts/bench/perf
mkdir -p "$out"
if [[ "${PUBLISH:-0}" == 1 || ! -x "$server_dir/proc-macro-srv" ]]; then
    bash scripts/publish-server.sh "$server_dir" -nologo -v quiet
fi
dotnet build bench/ProcMacroSrv.Bench.Sessions -c Release -nologo -v quiet
harness=bench/ProcMacroSrv.Bench.Sessions/bin/Release/net10.0/ProcMacroSrv.Bench.Sessions.dll

cases=("$@")
if [[ ${#cases[@]} -eq 0 ]]; then
    cases=("clap.Parser n=1000" "serde.Deserialize n=1000" "tracing.instrument n=1000" "pm_basics.tag n=1000"
           "pm_basics.do_thrice n=1000" "thiserror.Error n=1000" "strum.EnumString n=10")
fi

for case in "${cases[@]}"; do
    slug=$(echo "$case" | tr ' =' '__')
    rounds=${ROUNDS:-10}
    # Small cases take a millisecond: many more rounds give enough samples.
    [[ "$case" == *" n=10" ]] && rounds=$((rounds * 40))
    echo "== $case"
    perf record -F 1999 -g -o "$out/$slug.data" -- \
        dotnet "$harness" --server "$server_dir/proc-macro-srv" --ours-only --only "$case" --rounds "$rounds" \
        > "$out/$slug.log" 2> "$out/$slug.perf.log"
    pids=$(grep -m1 'pids ours:' "$out/$slug.log")
    supervisor=$(sed -E 's/.*server=([0-9]+).*/\1/' <<<"$pids")
    worker=$(sed -E 's/.*children=([0-9]+).*/\1/' <<<"$pids")
    grep -E "^  $case" "$out/$slug.log" || true
    {
        echo "# $case: our server alone, $rounds rounds after 2 warm-ups; perf cpu-clock samples at 1999 Hz"
        perf script -i "$out/$slug.data" -F comm,pid,tid,ip,sym,dso 2>/dev/null \
            | python3 scripts/bench-perf-summary.py "worker=$worker" "supervisor=$supervisor" "top=${TOP:-25}"
    } > "$out/$slug.txt"
    cat "$out/$slug.txt"
    echo
done
echo "reports: $out/*.txt (perf report -i $out/<case>.data for more)"
