#!/usr/bin/env bash
# The demo (README): builds the bundled demo proc-macro crate with the installed cargo,
# then lists and expands its macros through our bridge server.
set -euo pipefail
cd "$(dirname "$0")/.."
exec dotnet run --project src/ProcMacroSrv -c Release -- demo "$@"
