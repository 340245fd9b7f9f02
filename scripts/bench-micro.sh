#!/usr/bin/env bash
# The BenchmarkDotNet micro-benchmarks of the hot paths (BENCHMARKS.md, "Micro-benchmarks"):
# lexer, printer, token-stream concat/clone, FlatTree write/read, json-legacy read/write, line
# reading, and the bridge RPC interpreter. Results: artifacts/bench/micro/results/*.md.
#
# Usage: scripts/bench-micro.sh [--short] [BenchmarkDotNet options, e.g. --filter '*Lexer*']
# `--short` is BenchmarkDotNet's short-run job (3 warm-ups, 3 iterations: about 3 minutes in all);
# without it the default job runs (more iterations, tighter error bars, about 15 minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
args=("$@")
if ! printf '%s\n' "${args[@]}" | grep -q -- '--filter'; then args+=(--filter '*'); fi
dotnet run -c Release --project bench/ProcMacroSrv.Bench.Micro -- --artifacts artifacts/bench/micro "${args[@]}"
