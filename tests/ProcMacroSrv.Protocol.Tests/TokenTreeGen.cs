using FsCheck;
using FsCheck.Fluent;
using ProcMacroSrv.TokenModel;

namespace ProcMacroSrv.Protocol.Tests;

/// <summary>
/// FsCheck generators of token trees covering what the wire must carry: raw idents, every
/// literal kind with hashes and suffixes, joint and alone puncts, nested groups of all four
/// delimiters, empty groups, and awkward strings (quotes, control characters, non-ASCII).
/// </summary>
internal static class TokenTreeGen
{
    private static readonly string[] IdentNames = ["a", "foo", "Bar", "_x", "été", "self", "fn", "r", "async", "名前"];
    private static readonly char[] PunctChars = "=<>!~+-*/%^&|@.,;:#$?'".ToCharArray();
    private static readonly Delimiter[] Delimiters = [Delimiter.None, Delimiter.Parenthesis, Delimiter.Brace, Delimiter.Bracket];

    // Every symbol/suffix pair here is a well-formed literal, so that layouts below version 5,
    // which carry a literal as its source text, can classify it back to the same parts.
    private static readonly (LiteralKind Kind, string Symbol, string?[] Suffixes)[] LiteralShapes =
    [
        (LiteralKind.Integer, "0", [null, "u8", "i32", "usize", "f32"]),
        (LiteralKind.Integer, "42", [null, "u128"]),
        (LiteralKind.Integer, "1_000", [null, "i64"]),
        (LiteralKind.Integer, "0x1F", [null, "u8"]),
        (LiteralKind.Integer, "0o17", [null]),
        (LiteralKind.Integer, "0b1010", [null, "u16"]),
        (LiteralKind.Integer, "-123", [null, "i64"]),
        (LiteralKind.Float, "1.0", [null, "f32", "f64"]),
        (LiteralKind.Float, "3.14", [null, "f64"]),
        (LiteralKind.Float, "1e3", [null, "f32"]),
        (LiteralKind.Float, "2.5E-3", [null, "f64"]),
        (LiteralKind.Float, "-1.5", [null]),
        (LiteralKind.Char, "a", [null]),
        (LiteralKind.Char, "\\n", [null]),
        (LiteralKind.Char, "\\'", [null]),
        (LiteralKind.Char, "é", [null]),
        (LiteralKind.Char, "\\u{1F600}", [null]),
        (LiteralKind.Char, "\"", [null]),
        (LiteralKind.Byte, "a", [null]),
        (LiteralKind.Byte, "\\x7f", [null]),
        (LiteralKind.Byte, "\\'", [null]),
        (LiteralKind.Str, "", [null, "suffix"]),
        (LiteralKind.Str, "hi", [null, "_x"]),
        (LiteralKind.Str, "a\\\"b", [null]),
        (LiteralKind.Str, "line\nbreak\r\ttab", [null]),
        (LiteralKind.Str, "back\\\\slash/", [null]),
        (LiteralKind.Str, "é✓😀\u2028", [null]),
        (LiteralKind.Str, "\u0001ctl\u001f\u007f\b\f", [null]),
        (LiteralKind.ByteStr, "", [null]),
        (LiteralKind.ByteStr, "ab\\x00", [null, "s"]),
        (LiteralKind.CStr, "c\\\"s", [null]),
        (LiteralKind.StrRaw, "raw", [null, "s"]),
        (LiteralKind.StrRaw, "a#b\\c", [null]),
        (LiteralKind.StrRaw, "", [null]),
        (LiteralKind.ByteStrRaw, "bytes", [null]),
        (LiteralKind.CStrRaw, "é", [null]),
    ];

    /// <summary>Located spans for the RustAnalyzer mode: few enough to repeat (exercising the table's dedup), varied anchors including both fixup markers.</summary>
    private static Gen<Span> LocatedSpan =>
        from file in Gen.Elements(0u, 3u << 23 | 7, 1u << 23 | 0x7FFFFF)
        from anchor in Gen.Elements(Span.RootAnchor, 13u << 27, Span.FixupAnchor, 0xFFFF_FFFEu, 12345u)
        from start in Gen.Choose(0, 40)
        from length in Gen.Choose(0, 6)
        from context in Gen.Elements(Span.RootContext2024, 0u, 0xFFFF_FF03u, 7u)
        select new Span(file, anchor, (uint)start, (uint)(start + length), context);

    private static Gen<Span> OpaqueSpan =>
        Gen.Frequency(
            (6, Gen.Choose(0, 200).Select(i => Span.Opaque((uint)i))),
            (1, Gen.Elements(Span.Opaque(0xFFFF_FFFF), Span.Opaque(0xFFFF_FFFE), Span.Opaque(int.MaxValue))));

    /// <summary>A root group of random shape and size.</summary>
    /// <param name="located">RustAnalyzer-mode spans rather than opaque ids.</param>
    /// <param name="allowErrLiterals">Error literals have no source form, so they only round-trip from version 5 on.</param>
    public static Gen<Group> Root(bool located, bool allowErrLiterals)
    {
        var spans = located ? LocatedSpan : OpaqueSpan;
        return Gen.Sized(size => GroupOf(Math.Min(size, 60), spans, allowErrLiterals));
    }

    private static Gen<Group> GroupOf(int size, Gen<Span> spans, bool allowErr) =>
        from delimiter in Gen.Elements(Delimiters)
        from open in spans
        from close in spans
        from count in Gen.Choose(0, Math.Min(size, 8))
        from children in Gen.ArrayOf(Tree(size / 2, spans, allowErr), count)
        select new Group(delimiter, TokenStream.Of(children), new DelimSpan(open, close, close));

    private static Gen<TokenTree> Tree(int size, Gen<Span> spans, bool allowErr)
    {
        var leaf = Leaf(spans, allowErr);
        return size <= 1 ? leaf : Gen.Frequency((5, leaf), (1, GroupOf(size, spans, allowErr).Select(g => (TokenTree)g)));
    }

    private static Gen<TokenTree> Leaf(Gen<Span> spans, bool allowErr)
    {
        var ident =
            from name in Gen.Elements(IdentNames)
            from raw in Gen.Elements(false, false, true)
            from span in spans
            select (TokenTree)new Ident(Symbol.Intern(name), raw, span);
        var punct =
            from ch in Gen.Elements(PunctChars)
            from spacing in Gen.Elements(Spacing.Alone, Spacing.Joint)
            from span in spans
            select (TokenTree)new Punct(ch, spacing, span);
        var literal =
            from shape in Gen.Elements(LiteralShapes)
            from suffix in Gen.Elements(shape.Suffixes)
            from hashes in Gen.Choose(0, 3)
            from span in spans
            select (TokenTree)new Literal(shape.Kind, IsRaw(shape.Kind) ? (byte)hashes : (byte)0, Symbol.Intern(shape.Symbol),
                suffix is null ? null : Symbol.Intern(suffix), span);
        var err =
            from span in spans
            select (TokenTree)new Literal(LiteralKind.Err, 0, Symbol.Intern("err?\""), null, span);
        return allowErr
            ? Gen.Frequency((3, ident), (3, punct), (3, literal), (1, err))
            : Gen.Frequency((3, ident), (3, punct), (3, literal));
    }

    private static bool IsRaw(LiteralKind kind) => kind is LiteralKind.StrRaw or LiteralKind.ByteStrRaw or LiteralKind.CStrRaw;
}
