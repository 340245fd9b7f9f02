#!/usr/bin/env python3
"""Summarises `perf script` output (with call chains) per process, for scripts/bench-profile.sh.

Reads perf script text on stdin (fields comm,pid,tid,ip,sym,dso, call graph included) and prints,
for each process given on the command line, where its samples went. A process is `role=PID`, or
`role=comm:NAME` for all processes of that command name together (e.g. many cold starts):

* self samples by shared object (our server, the macro's dylib, libc, kernel, ...);
* inclusive samples of the server's phases (a sample counts for a phase when a function of that
  phase is anywhere on its stack), such as answering the macro's bridge RPCs or encoding the
  result; GC and allocation are counted whoever triggered them;
* the functions with the most self samples.

perf's own --pid filter drops samples of some objects, hence this script. Run it on a perf.data
before the server is published again: symbols are looked up in the current binary.
"""
import collections
import re
import sys

# Phases of our server: name -> regular expression over symbol names on the stack.
PHASES = [
    ("bridge RPCs answered by the server (BridgeCall.Dispatch, inclusive)", r"BridgeCall__Dispatch"),
    ("  of which token-tree decode (ReadTree/ReadLiteral)", r"BridgeInterpreter__Read(Tree|Literal)"),
    ("  of which token-tree encode (WriteTree/WriteLiteral)", r"BridgeInterpreter__Write(Tree|Literal)"),
    ("  of which span interning (HandleStore.InternSpan/SpanOf)", r"HandleStore__(InternSpan|SpanOf)"),
    ("  of which TokenServer operations (Invoke)", r"TokenServer__Invoke"),
    ("  of which garbage collections triggered inside RPCs", r"BridgeCall__Dispatch && gc_heap::|WKS::"),
    ("  of which TokenStream.from_str (lexer)", r"TokenStreamParser|Cooker__"),
    ("  of which to_string (printer)", r"TokenPrinter|LayoutPrinter"),
    ("macro code in the dylib (self samples in the macro's .so)", None),
    ("request JSON parse (JsonLegacyReader)", r"JsonLegacyReader__"),
    ("request decode (ExpansionInput.Decode: span table + FlatTree -> tokens)", r"ExpansionInput__Decode"),
    ("result encode (ExpansionInput.EncodeResult: tokens -> FlatTree + span table)", r"ExpansionInput__EncodeResult"),
    ("response JSON write (JsonLegacyWriter)", r"JsonLegacyWriter__"),
    ("line reading (JsonLineReader)", r"JsonLineReader__"),
    ("library lookup (ProcMacroLibraryCache.Get: inspection)", r"ProcMacroLibraryCache__Get|DylibInspector__"),
    ("expansion thread start/join + environment", r"ProcessEnvironment__|Thread__Start(Core)? @|Thread__Join|pthread_create|^clone3? @"),
    ("passing requests to the worker (supervisor: ExpansionWorker.Exchange)", r"ExpansionWorker__Exchange|IsolatedHandler__Answer"),
    ("garbage collector (gc_heap, any thread)", r"gc_heap::|GCHeap::|WKS::|SVR::"),
    ("ICU (globalization: loading, collator set-up)", r"libicu|icu_\d+::|GlobalizationNative_|GlobalizationMode"),
    ("allocation helpers (RhpNew*, memset of new objects)", r"^RhpNew|RhpNewArray|AllocateObject"),
]


def parse(stream):
    """Yields (pid, leaf_sym, leaf_dso, stack_syms) per sample: a `pid/tid` line, then one line per frame, leaf first."""
    header = re.compile(r"^(\S.*?)?\s*(\d+)/(\d+)\s*$")
    frame = re.compile(r"^\s+([0-9a-f]+)\s+(.*?)\s+\((.*)\)\s*$")
    sample = None
    for line in stream:
        line = line.rstrip("\n")
        m = header.match(line)
        if m:
            if sample and sample[3]:
                yield sample
            sample = [(int(m.group(2)), (m.group(1) or "").strip()), None, None, []]
            continue
        if sample is None:
            continue
        f = frame.match(line)
        if f:
            if sample[1] is None:
                sample[1], sample[2] = f.group(2), f.group(3)
            sample[3].append(f.group(2) + " @" + short_dso(f.group(3)))
    if sample and sample[3]:
        yield sample


def short_dso(dso):
    name = dso.rsplit("/", 1)[-1]
    return name


def main():
    roles = dict(arg.split("=", 1) for arg in sys.argv[1:])
    wanted = {}
    for role, spec in roles.items():
        if role == "top":
            continue
        if spec.isdigit():
            wanted[int(spec)] = role
        elif spec.startswith("comm:"):
            wanted[spec] = role
    by_pid = collections.defaultdict(list)
    totals = collections.Counter()
    for (pid, comm), sym, dso, stack in parse(sys.stdin):
        totals[pid] += 1
        key = pid if pid in wanted else "comm:" + comm
        if key in wanted:
            by_pid[key].append((sym, dso, stack))
    all_samples = sum(totals.values())
    print(f"samples: {all_samples} in total; " + ", ".join(
        f"{role} {len(by_pid[pid])} ({100.0 * len(by_pid[pid]) / max(all_samples, 1):.1f}%)" for pid, role in wanted.items()))
    for pid, role in wanted.items():
        samples = by_pid[pid]
        n = len(samples)
        if n == 0:
            continue
        print()
        print(f"## {role} ({pid if isinstance(pid, str) else 'pid ' + str(pid)}): {n} samples")
        dsos = collections.Counter(short_dso(dso) for _, dso, _ in samples)
        print("self samples by library:")
        for dso, count in dsos.most_common(8):
            print(f"  {100.0 * count / n:6.2f}%  {dso}")
        print("phases (inclusive; a sample may count in several):")
        for name, pattern in PHASES:
            if pattern is None:
                count = sum(1 for _, dso, _ in samples if short_dso(dso).startswith("lib") and short_dso(dso).endswith(".so")
                            and not short_dso(dso).startswith(("libc.", "libm.", "libstdc", "libgcc", "libicu", "libz", "libssl", "libcrypto")))
            else:
                # "A && B": every part must be on the stack.
                regexes = [re.compile(part) for part in pattern.split(" && ")]
                count = sum(1 for _, _, stack in samples if all(any(r.search(s) for s in stack) for r in regexes))
            if count:
                print(f"  {100.0 * count / n:6.2f}%  {name}")
        print("top functions (self):")
        syms = collections.Counter((sym, short_dso(dso)) for sym, dso, _ in samples)
        for (sym, dso), count in syms.most_common(int(roles.get("top", "25")) if roles.get("top", "").isdigit() else 25):
            print(f"  {100.0 * count / n:6.2f}%  {sym[:110]}  [{dso}]")


if __name__ == "__main__":
    try:
        main()
    except BrokenPipeError:
        pass
