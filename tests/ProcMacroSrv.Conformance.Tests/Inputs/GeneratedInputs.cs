using System.Text;

namespace ProcMacroSrv.Conformance.Tests.Inputs;

/// <summary>
/// Property-based inputs: random token sequences from a seeded generator (the same inputs on
/// every run). Atoms of every lexical class are joined with or without whitespace and comments
/// between them, so that tokens touch in every combination (which decides spacing and gluing),
/// nested in groups of every delimiter. Some atoms are malformed on purpose; such inputs go to
/// the string parsers only.
/// </summary>
public static class GeneratedInputs
{
    /// <summary>The generator's seed; changing it changes the inputs (and the rustc cache key).</summary>
    public const int Seed = 20260519;

    /// <summary>How many inputs.</summary>
    public const int Count = 240;

    private static readonly string[] Idents =
    [
        "a", "b", "x", "foo", "Bar_9", "_", "_x", "self", "Self", "super", "crate", "fn", "let", "if", "else", "match",
        "async", "await", "dyn", "try", "gen", "union", "macro_rules", "r#fn", "r#type", "r#x", "r#async", "été", "ñandú",
        "中文", "ǅ", "x\u0301", "\u212b", "true", "false", "where", "impl", "mut", "ref", "move", "pub", "static", "yield",
    ];

    private static readonly string[] Literals =
    [
        "0", "1", "42", "1_000", "0x1F", "0o17", "0b1010", "1u8", "7i128", "3usize", "0xFFu32", "1_u8", "1.0", "1.5e3", "2E-5",
        "1e+9f64", "0.1f32", "1f32", "3.", "1e10", "'a'", "'\\n'", "'\\''", "'\\u{1F600}'", "'\\x7f'", "'é'", "b'a'",
        "b'\\xff'", "b'\\0'", "\"\"", "\"s\"", "\"a\\nb\"", "\"\\u{0}\"", "\"é\"", "\"q\\\"q\"", "\"x\"suffix", "r\"raw\"",
        "r#\"a\"b\"#", "r##\"#\"##", "b\"bytes\"", "br\"b\"", "br#\"x\"#", "c\"c\"", "cr\"c\"", "c\"\\xff\"", "1usize", "0.5",
    ];

    private static readonly string[] Puncts =
    [
        "=", "<", ">", "!", "~", "+", "-", "*", "/", "%", "^", "&", "|", "@", ".", ",", ";", ":", "#", "$", "?",
        "==", "=>", "<=", ">=", "!=", "&&", "||", "->", "<-", "::", "..", "...", "..=", "<<", ">>", "<<=", ">>=", "+=",
        "-=", "*=", "/=", "%=", "^=", "&=", "|=",
    ];

    private static readonly string[] Lifetimes = ["'a", "'static", "'_", "'b1", "'r#a", "'été"];

    private static readonly string[] DocComments = ["/// d\n", "//! i\n", "/** b */", "/*! ib */", "/**/", "/***/", "////n\n"];

    private static readonly string[] Separators = ["", "", "", " ", " ", "\n", "  ", "\t", "/* c */", "// c\n", "\n    "];

    private static readonly string[] Malformed =
    [
        "\"open", "'", "b'", "r#\"x", "/* open", "}", ")", "]", "'ab'", "\"\\q\"", "1e", "0x", "0b2", "foo\"x\"", "€", "'1",
    ];

    /// <summary>The inputs, named <c>generated/N</c>, with whether they lex cleanly as source (decided by construction).</summary>
    public static IReadOnlyList<(string Id, string Text, bool Clean)> Generate()
    {
        var random = new Random(Seed);
        var inputs = new List<(string, string, bool)>(Count);
        for (var n = 0; n < Count; n++)
        {
            var sb = new StringBuilder();
            var clean = true;
            var atoms = 1 + random.Next(24);
            AppendSequence(random, sb, atoms, depth: 0, ref clean);
            inputs.Add(($"generated/{n}", sb.ToString(), clean));
        }
        return inputs;
    }

    private static void AppendSequence(Random random, StringBuilder sb, int atoms, int depth, ref bool clean)
    {
        for (var i = 0; i < atoms; i++)
        {
            if (i > 0) sb.Append(Pick(random, Separators));
            var roll = random.Next(100);
            if (roll < 22) sb.Append(Pick(random, Idents));
            else if (roll < 42) sb.Append(Pick(random, Literals));
            else if (roll < 70) sb.Append(Pick(random, Puncts));
            else if (roll < 76) sb.Append(Pick(random, Lifetimes));
            else if (roll < 80) sb.Append(Pick(random, DocComments));
            else if (roll < 97 && depth < 4)
            {
                var (open, close) = Pick(random, [("(", ")"), ("[", "]"), ("{", "}")]);
                sb.Append(open);
                if (random.Next(4) == 0) sb.Append(Pick(random, Separators));
                AppendSequence(random, sb, random.Next(8), depth + 1, ref clean);
                if (random.Next(4) == 0) sb.Append(Pick(random, Separators));
                sb.Append(close);
            }
            else
            {
                sb.Append(Pick(random, Malformed));
                clean = false;
            }
        }
    }

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];
}
