using System.Text;
using ProcMacroSrv.Fixtures;
using ProcMacroSrv.Inspection;
using ProcMacroSrv.Protocol;
using ProcMacroSrv.Protocol.Json;
using ProcMacroSrv.Reliability.Tests.Support;
using ProcMacroSrv.TokenModel;
using ProcMacroSrv.TokenModel.Lexing;
using ProcMacroSrv.TokenModel.Printing;
using Xunit.Abstractions;

namespace ProcMacroSrv.Reliability.Tests;

/// <summary>
/// Property-based and mutation fuzzing of the parsers that see untrusted bytes: the json-legacy
/// reader, the FlatTree decoder and span table, the Rust lexer and the ELF reader. Only the
/// documented exception may escape (ProtocolException; none for the lexer;
/// DylibInspectionException), no input may hang, and where a property holds for every accepted
/// input (re-encoding is stable, spans lie inside the source) it is checked too.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    // ------------------------------------------------------------------ json-legacy requests

    private static readonly string[] RustSamples =
    [
        "#[derive(Clone)] pub struct Point<'a, T: Copy = u8> { x: i32, y: &'a [T; 4], name: r#type::Name }",
        "fn f() -> Result<(), Box<dyn std::error::Error>> { let s = \"str\\n\"; let b = b'x'; let c = '\\u{1F600}'; let r = r#\"raw\"#; Ok(()) }",
        "1u8 2.5e-3f64 0x_FF_i128 c\"cstr\" br##\"bytes\"## 'lifetime /// doc\n x => y != z <<= 1 ..= 3 :: ? # ! @ $",
        "enum E { A = 1, B(u32), C { d: Vec<Option<String>> } } impl E { const X: usize = 0; }",
        "",
    ];

    private static readonly Lazy<byte[][]> s_requestCorpus = new(() =>
    {
        var lib = "/home/dev/project/target/debug/deps/libfoo-0123456789abcdef.so";
        var lines = new List<byte[]>
        {
            "{\"ApiVersionCheck\":{}}"u8.ToArray(),
            "{\"SetConfig\":{\"span_mode\":\"RustAnalyzer\"}}"u8.ToArray(),
            "{\"SetConfig\":{}}"u8.ToArray(),
            Requests.Line(new ListMacrosRequest(lib)),
        };
        foreach (var source in RustSamples)
        {
            foreach (var mode in (SpanMode[])[SpanMode.Id, SpanMode.RustAnalyzer])
            {
                lines.Add(Requests.Line(Requests.Expand(lib, "Derive", source, mode)));
                lines.Add(Requests.Line(Requests.Expand(lib, "attr", source, mode, attributes: "a = \"b\", c(d)",
                    env: [new("CARGO_PKG_NAME", "foo"), new("OUT_DIR", "/tmp/out")], currentDir: "/home/dev/project")));
            }
        }
        return [.. lines];
    });

    private static readonly byte[][] JsonDictionary =
    [
        .. new[]
        {
            "0", "1", "-1", "4294967295", "4294967296", "18446744073709551615", "18446744073709551616", "1.5", "1e3", "-0", "00",
            "1073741823", "4294967292", "4294967293", "4294967294", "3", "5", "null", "true", "false", "\"\"", "[]", "{}", "[[]]",
            "\"\\u0000\"", "\"\\ud800\"", "\"\\udc00\\ud800\"", "\"\\uFFFF\"", "\"\\\\\"", "\"\\\"\"", ",", ":", "{", "}", "[", "]", "\"",
            "\"subtree\":[]", "\"text\":[\"x\"]", "\"span_data_table\":[1,2,3,4,5]", "\"has_global_spans\":{}", "\"env\":[[\"A\",\"B\"]]",
            "\"ExpandMacro\"", "\"ListMacros\"", "\"SetConfig\"", "\"ApiVersionCheck\"", "\"RustAnalyzer\"", "\"Id\"", "\"attributes\":null",
            "\"macro_body\":{\"subtree\":[0,0,0,0,0],\"literal\":[],\"punct\":[],\"ident\":[],\"token_tree\":[],\"text\":[]}",
            new string('[', 2000), new string('{', 50), "\"" + new string('a', 3000) + "\"",
        }.Select(Encoding.UTF8.GetBytes),
        [0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x00], [0x0A], [0x0D], [0xE2, 0x82],
    ];

    private static readonly string[] JsonKeys =
        ["ApiVersionCheck", "SetConfig", "ListMacros", "ExpandMacro", "span_mode", "dylib_path", "lib", "env", "current_dir", "macro_body",
         "macro_name", "attributes", "has_global_spans", "span_data_table", "def_site", "call_site", "mixed_site", "subtree", "literal",
         "punct", "ident", "token_tree", "text", "Ok", "Err", "tree", "x"];

    /// <summary>Grammar-based: random JSON built from the protocol's own keys and troublesome values.</summary>
    private static byte[] RandomJson(Random random)
    {
        var text = new StringBuilder();
        void Value(int depth)
        {
            switch (random.Next(depth > 5 ? 4 : 8))
            {
                case 0: text.Append(random.Next(4) switch { 0 => "0", 1 => random.Next(12).ToString(), 2 => ((uint)random.NextInt64(uint.MaxValue + 2L)).ToString(), _ => Encoding.UTF8.GetString(JsonDictionary[random.Next(11)]) }); break;
                case 1: text.Append('"').Append(random.Next(3) == 0 ? "\\u00e9\\n" : JsonKeys[random.Next(JsonKeys.Length)]).Append('"'); break;
                case 2: text.Append(random.Next(3) switch { 0 => "null", 1 => "true", _ => "\"Id\"" }); break;
                case 3: text.Append("[]"); break;
                case 4 or 5:
                    text.Append('{');
                    for (int i = 0, n = random.Next(4); i < n; i++)
                    {
                        if (i > 0) text.Append(',');
                        text.Append('"').Append(JsonKeys[random.Next(JsonKeys.Length)]).Append("\":");
                        Value(depth + 1);
                    }
                    text.Append('}');
                    break;
                default:
                    text.Append('[');
                    for (int i = 0, n = random.Next(7); i < n; i++)
                    {
                        if (i > 0) text.Append(',');
                        Value(depth + 1);
                    }
                    text.Append(']');
                    break;
            }
        }
        text.Append("{\"").Append(JsonKeys[random.Next(4)]).Append("\":");
        Value(0);
        text.Append('}');
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static byte[] NextRequest(Random random) => random.Next(4) == 0
        ? RandomJson(random)
        : Fuzzer.Mutate(random, s_requestCorpus.Value[random.Next(s_requestCorpus.Value.Length)], JsonDictionary);

    /// <summary>What the server does with a request line, minus the macro: read, decode in both modes, encode an answer.</summary>
    internal static FuzzOutcome CheckRequest(byte[] line)
    {
        Request request;
        try
        {
            request = JsonLegacyReader.ReadRequest(line);
        }
        catch (ProtocolException)
        {
            return FuzzOutcome.Rejected;
        }
        // Property: what was read encodes to a line that reads back to the same encoding.
        var encoded = JsonLegacyWriter.EncodeRequest(request);
        var again = JsonLegacyWriter.EncodeRequest(JsonLegacyReader.ReadRequest(encoded));
        if (!encoded.AsSpan().SequenceEqual(again))
            throw new InvalidOperationException($"re-encoding is unstable:\n{Fuzzer.ShowBytes(encoded)}\n{Fuzzer.ShowBytes(again)}");
        if (request is ExpandMacroRequest expand)
        {
            foreach (var mode in (SpanMode[])[SpanMode.Id, SpanMode.RustAnalyzer]) DecodeAndAnswer(expand, mode);
        }
        return FuzzOutcome.Accepted;
    }

    private static void DecodeAndAnswer(ExpandMacroRequest request, SpanMode mode)
    {
        ExpansionInput input;
        try
        {
            input = ExpansionInput.Decode(request, mode);
        }
        catch (ProtocolException)
        {
            return;
        }
        // The identity macro's answer, and its error answer, as the server would write them.
        Response answer;
        try
        {
            answer = input.EncodeResult(input.Attributes is { } attributes ? attributes.Concat(input.Body) : input.Body);
        }
        catch (ProtocolException)
        {
            return;
        }
        var line = JsonLegacyWriter.EncodeResponse(answer);
        var decoded = JsonLegacyReader.ReadResponse(line);
        _ = decoded switch
        {
            ExpandMacroResponse r => r.DecodeTree(),
            ExpandMacroExtendedResponse r => r.DecodeTree(),
            _ => throw new InvalidOperationException($"answered with {decoded.GetType().Name}"),
        };
        JsonLegacyReader.ReadResponse(JsonLegacyWriter.EncodeResponse(input.EncodeError("panic \0 \ud83d\ude00")));
    }

    [Fact]
    public void Json_request_reader_only_throws_ProtocolException()
    {
        Fuzzer.Run("JsonLegacyReader.ReadRequest + ExpansionInput.Decode (mutated requests and random JSON)",
            NextRequest, CheckRequest, line => Fuzzer.ShowBytes(line), output);
    }

    private static readonly Lazy<byte[][]> s_responseCorpus = new(() =>
    [
        .. s_requestCorpus.Value.Select(line => JsonLegacyReader.ReadRequest(line)).OfType<ExpandMacroRequest>().SelectMany(request =>
        {
            var mode = request.SpanDataTable.Length > 0 ? SpanMode.RustAnalyzer : SpanMode.Id;
            var input = ExpansionInput.Decode(request, mode);
            return new[] { JsonLegacyWriter.EncodeResponse(input.EncodeResult(input.Body)), JsonLegacyWriter.EncodeResponse(input.EncodeError("boom")) };
        }),
        "{\"ListMacros\":{\"Ok\":[[\"a\",\"FuncLike\"],[\"B\",\"CustomDerive\"],[\"c\",\"Attr\"]]}}"u8.ToArray(),
        "{\"ApiVersionCheck\":6}"u8.ToArray(),
    ]);

    [Fact]
    public void Json_response_reader_only_throws_ProtocolException()
    {
        Fuzzer.Run("JsonLegacyReader.ReadResponse + DecodeTree (mutated responses)",
            random => Fuzzer.Mutate(random, s_responseCorpus.Value[random.Next(s_responseCorpus.Value.Length)], JsonDictionary),
            line =>
            {
                try
                {
                    var response = JsonLegacyReader.ReadResponse(line);
                    _ = response switch
                    {
                        ExpandMacroResponse { Tree: not null } r => r.DecodeTree(),
                        ExpandMacroExtendedResponse { Tree: not null } r => r.DecodeTree(),
                        _ => TokenStream.Empty,
                    };
                    return FuzzOutcome.Accepted;
                }
                catch (ProtocolException)
                {
                    return FuzzOutcome.Rejected;
                }
            },
            line => Fuzzer.ShowBytes(line), output);
    }

    // ------------------------------------------------------------------ FlatTree decoder

    /// <summary>A FlatTree's arrays and the span table to decode it against.</summary>
    internal sealed record TreeInput(uint Version, uint[] Subtree, uint[] Literal, uint[] Punct, uint[] Ident, uint[] TokenTree, string[] Text, uint[]? Table)
    {
        public FlatTree Tree => new((uint[])Subtree.Clone(), (uint[])Literal.Clone(), (uint[])Punct.Clone(), (uint[])Ident.Clone(), (uint[])TokenTree.Clone(), (string[])Text.Clone());

        public override string ToString() =>
            $"version {Version}\nsubtree [{string.Join(',', Subtree)}]\nliteral [{string.Join(',', Literal)}]\npunct [{string.Join(',', Punct)}]\n" +
            $"ident [{string.Join(',', Ident)}]\ntoken_tree [{string.Join(',', TokenTree)}]\ntext [{string.Join(',', Text.Select(t => Fuzzer.ShowString(t, 80)))}]\n" +
            $"table {(Table is null ? "none (Id mode)" : $"[{string.Join(',', Table)}]")}";
    }

    private static readonly uint[] InterestingNumbers =
        [0, 1, 2, 3, 4, 5, 0xFFFF_FFFF, 0xFFFF_FFFE, 0x7FFF_FFFF, 0x8000_0000, 0x3FFF_FFFF, 0x4000_0000, 0xFFFF_FFFC, 0xFFFF_FFFD, 0xD800, 0x10FFFF, 0x110000, 0xFFFF, 0x1_0000, 255, 256, 0x0100_0006];

    private static uint Number(Random random, int near) => random.Next(10) switch
    {
        < 6 => (uint)random.Next(near + 2),
        < 8 => InterestingNumbers[random.Next(InterestingNumbers.Length)],
        _ => (uint)random.NextInt64(uint.MaxValue + 1L),
    };

    private static uint[] Records(Random random, int count, int size, int near)
    {
        var length = count * size + (random.Next(12) == 0 ? random.Next(-1, 2) : 0);
        var values = new uint[Math.Max(0, length)];
        for (var i = 0; i < values.Length; i++) values[i] = Number(random, near);
        return values;
    }

    /// <summary>Property-based: arrays shaped like a FlatTree, mostly in range, sometimes not.</summary>
    private static TreeInput RandomTree(Random random)
    {
        var version = (uint)random.Next(7);
        var subtreeSize = version >= ApiVersion.EncodeCloseSpan ? 5 : 4;
        var leafSize = version >= ApiVersion.ExtendedLeafData;
        int subtrees = random.Next(8), literals = random.Next(5), puncts = random.Next(5), idents = random.Next(5), texts = random.Next(5);
        var tokenTree = new uint[random.Next(14)];
        for (var i = 0; i < tokenTree.Length; i++)
        {
            var tag = (uint)random.Next(4);
            var count = tag switch { 0 => subtrees, 1 => literals, 2 => puncts, _ => idents };
            tokenTree[i] = random.Next(10) == 0 ? Number(random, 4) : ((uint)random.Next(count + 1) << 2) | tag;
        }
        var subtree = Records(random, subtrees, subtreeSize, tokenTree.Length);
        // Make child ranges mostly valid and disjoint: subtree i gets a slice of token_tree.
        var next = 0;
        for (var i = 0; i + subtreeSize <= subtree.Length; i += subtreeSize)
        {
            if (random.Next(5) == 0) continue;
            var first = Math.Min(next, tokenTree.Length);
            var end = Math.Min(first + random.Next(4), tokenTree.Length);
            subtree[i + subtreeSize - 3] = (uint)random.Next(5);
            subtree[i + subtreeSize - 2] = (uint)first;
            subtree[i + subtreeSize - 1] = (uint)end;
            next = end;
        }
        var literal = Records(random, literals, leafSize ? 4 : 2, texts);
        var punct = Records(random, puncts, 3, 2);
        for (var i = 1; i < punct.Length; i += 3) if (random.Next(3) > 0) punct[i] = "+-*/<>=!&|^%#$@:;,.?~'_"[random.Next(23)];
        var ident = Records(random, idents, leafSize ? 3 : 2, texts);
        string[] pool = ["a", "r#fn", "\"s\"", "1u8", "'c'", "b\"x\"", "1.0e5", "br#\"r\"#", "", "\u00e9t\u00e9", "x\ud800", "-1", "c\"z\"", "'\\u{0}'", " "];
        var text = new string[texts];
        for (var i = 0; i < texts; i++) text[i] = pool[random.Next(pool.Length)];
        uint[]? table = null;
        if (random.Next(2) == 0)
        {
            table = new uint[random.Next(4) * 5 + (random.Next(8) == 0 ? random.Next(1, 5) : 0)];
            for (var i = 0; i < table.Length; i++)
            {
                table[i] = (i % 5) switch
                {
                    0 => random.Next(6) == 0 ? Number(random, 4) : (uint)random.Next(4) << 23 | (uint)random.Next(3),
                    2 or 3 => (uint)random.Next(20),
                    _ => Number(random, 4),
                };
            }
        }
        return new TreeInput(version, subtree, literal, punct, ident, tokenTree, text, table);
    }

    private static readonly Lazy<TreeInput[]> s_treeCorpus = new(() =>
    [
        .. RustSamples.SelectMany(source => (SpanMode[])[SpanMode.Id, SpanMode.RustAnalyzer], (source, mode) =>
        {
            var table = mode == SpanMode.RustAnalyzer ? new SpanDataTable() : null;
            var tree = FlatTree.FromGroup(Requests.Parse(source, mode), table is null ? SpanIds.Instance : table);
            return new TreeInput(ApiVersion.Current, tree.Subtree.ToArray(), tree.Literal.ToArray(), tree.Punct.ToArray(), tree.Ident.ToArray(),
                tree.TokenTree.ToArray(), [.. tree.Text], table?.ToWire());
        }),
    ]);

    /// <summary>Mutation: a real tree with a few numbers changed.</summary>
    private static TreeInput MutatedTree(Random random)
    {
        var seed = s_treeCorpus.Value[random.Next(s_treeCorpus.Value.Length)];
        var arrays = new[] { (uint[])seed.Subtree.Clone(), (uint[])seed.Literal.Clone(), (uint[])seed.Punct.Clone(), (uint[])seed.Ident.Clone(), (uint[])seed.TokenTree.Clone() };
        for (int round = 0, rounds = 1 + random.Next(3); round < rounds; round++)
        {
            var array = arrays[random.Next(arrays.Length)];
            if (array.Length == 0) continue;
            var at = random.Next(array.Length);
            array[at] = random.Next(3) switch { 0 => array[at] + 1, 1 => array[at] ^ (1u << random.Next(32)), _ => Number(random, array.Length) };
        }
        return seed with { Subtree = arrays[0], Literal = arrays[1], Punct = arrays[2], Ident = arrays[3], TokenTree = arrays[4], Version = random.Next(6) == 0 ? (uint)random.Next(7) : seed.Version };
    }

    internal static FuzzOutcome CheckTree(TreeInput input)
    {
        TokenStream stream;
        ISpanReader spans;
        try
        {
            var table = input.Table is null ? null : SpanDataTable.FromWire(input.Table, input.Version >= ApiVersion.RustAnalyzerSpanSupport ? input.Version : ApiVersion.Current);
            spans = table is null ? SpanIds.Instance : table;
            stream = input.Tree.ToTokenStream(spans, input.Version);
        }
        catch (ProtocolException)
        {
            return FuzzOutcome.Rejected;
        }
        _ = TokenPrinter.Print(stream);
        // Property: what was decoded encodes and decodes again to the same tokens (Id mode, current
        // layout). Not for a stream that is one invisible group: section 3.6 makes that group the
        // root, which a reader flattens (found by this fuzzer; the reference does the same).
        var callSite = Span.Opaque(0);
        var opaque = Retag(stream);
        if (opaque.Count == 1 && opaque[0] is TokenModel.Group { Delimiter: Delimiter.None }) return FuzzOutcome.Accepted;
        var first = FlatTree.FromTokenStream(opaque, callSite, SpanIds.Instance);
        var back = first.ToTokenStream(SpanIds.Instance);
        var again = FlatTree.FromTokenStream(back, callSite, SpanIds.Instance);
        if (!SameArrays(first, again))
            throw new InvalidOperationException("decode(encode(tokens)) does not encode to the same tree");
        return FuzzOutcome.Accepted;
    }

    /// <summary>The stream with every span made opaque (a located span cannot be written in Id mode).</summary>
    private static TokenStream Retag(TokenStream stream)
    {
        var id = 0u;
        Span Next() => Span.Opaque(id++ % 1000);
        TokenStream Walk(TokenStream s) => TokenStream.Of(s.AsSpan().ToArray().Select(tree => tree switch
        {
            TokenModel.Group g => new TokenModel.Group(g.Delimiter, Walk(g.Stream), new DelimSpan(Next(), Next(), Next())),
            _ => tree.WithSpan(Next()),
        }));
        // Fuzzed trees are small (a few dozen nodes), so recursion here is harmless.
        return Walk(stream);
    }

    private static bool SameArrays(FlatTree a, FlatTree b) =>
        a.Subtree.SequenceEqual(b.Subtree) && a.Literal.SequenceEqual(b.Literal) && a.Punct.SequenceEqual(b.Punct)
        && a.Ident.SequenceEqual(b.Ident) && a.TokenTree.SequenceEqual(b.TokenTree) && a.Text.SequenceEqual(b.Text);

    [Fact]
    public void FlatTree_decoder_only_throws_ProtocolException()
    {
        Fuzzer.Run("FlatTree.ToTokenStream + SpanDataTable.FromWire (random and mutated trees, API versions 0-6)",
            random => random.Next(2) == 0 ? RandomTree(random) : MutatedTree(random), CheckTree, input => input.ToString(), output);
    }

    // ------------------------------------------------------------------ Rust lexer

    private static readonly Lazy<string[]> s_rustCorpus = new(() =>
    [
        .. RustSamples,
        .. Directory.EnumerateFiles(RepositoryLayout.FixturesWorkspace, "*.rs", SearchOption.AllDirectories)
            .Where(path => !path.Contains("/target/", StringComparison.Ordinal))
            .Select(File.ReadAllText),
    ]);

    private static readonly string[] RustFragments =
    [
        "'", "\"", "r#", "r\"", "br", "b'", "c\"", "#", "##", "\\", "\\u{", "\\x", "\\u{110000}", "}", "{", "(", ")", "[", "]", "/*", "*/", "//", "///", "//!",
        "/**", "*", "0x", "0b", "1e", "e+", "_", ".", "..", "1.", "'a", "'\\''", "\r", "\n", "\0", "\u00a0", "\u200b", "\ufeff", "\ud800", "\udc00",
        "\ud83d\ude00", "#!", "#![", "r#\"", "\"#", "::", "=>", "<-", "$", "@", "~", "é", "ß", "ℝ", "𝔸", "\u0301", "🦀", "f64", "i128", "as", "0o",
        "---", "---\n", " ", "\t", "x", "'static", "b\"\\xFF\"", "\"\\", "c\"\\0\"", "1_000", "0.", "e", "E", "k#", "r#_", "r#self", "#[", "\x7f",
    ];

    private static string NextSource(Random random)
    {
        if (random.Next(3) == 0)
        {
            var text = new StringBuilder();
            for (int i = 0, n = random.Next(40); i < n; i++) text.Append(RustFragments[random.Next(RustFragments.Length)]);
            return text.ToString();
        }
        var source = s_rustCorpus.Value[random.Next(s_rustCorpus.Value.Length)];
        if (source.Length > 1500)
        {
            // A window of a large file: mutations then matter more than its length.
            var length = random.Next(100, 1500);
            source = source.Substring(random.Next(source.Length - length), length);
        }
        var chars = new StringBuilder(source);
        for (int round = 0, rounds = 1 + random.Next(6); round < rounds; round++)
        {
            var at = chars.Length == 0 ? 0 : random.Next(chars.Length);
            switch (random.Next(4))
            {
                case 0 when chars.Length > 0: chars.Remove(at, Math.Min(chars.Length - at, 1 + random.Next(8))); break;
                case 1 when chars.Length > 0: chars[at] = (char)random.Next(0x80); break;
                case 2 when chars.Length > 0: chars[at] = (char)random.Next(0x10000); break;
                default: chars.Insert(at, RustFragments[random.Next(RustFragments.Length)]); break;
            }
        }
        return chars.ToString();
    }

    internal static FuzzOutcome CheckLexer(string source)
    {
        var length = Encoding.UTF8.GetByteCount(source);
        var outcome = FuzzOutcome.Accepted;
        foreach (var edition in (Edition[])[Edition.Edition2015, Edition.Edition2021, Edition.Edition2024])
        {
            var result = TokenStreamParser.Parse(source, (start, end) =>
            {
                if (start < 0 || end < start || end > length)
                    throw new InvalidOperationException($"span {start}..{end} is outside the {length}-byte source");
                return Span.Opaque((uint)start);
            }, new ParseOptions(edition));
            if (result.Outcome == ParseOutcome.Value)
            {
                if (result.Stream is null) throw new InvalidOperationException("outcome Value without a stream");
                _ = TokenPrinter.Print(result.Stream);
            }
            else
            {
                if (string.IsNullOrEmpty(result.ErrorMessage)) throw new InvalidOperationException($"outcome {result.Outcome} without a message");
                outcome = FuzzOutcome.Rejected;
            }
        }
        return outcome;
    }

    [Fact]
    public void Lexer_never_throws()
    {
        Fuzzer.Run("TokenStreamParser.Parse (mutated fixture sources and random Rust fragments; rejected = a lex error result)",
            NextSource, CheckLexer, source => Fuzzer.ShowString(source), output);
    }

    // ------------------------------------------------------------------ ELF reader

    [Fact]
    public void Elf_reader_only_throws_DylibInspectionException()
    {
        using var directory = new TempDirectory("pms-reliability-elf-fuzz-");
        using var elf = new MutableElf(Dylibs.Stable.PmHostile, directory.File("fuzzed.so"));
        Fuzzer.Run("DylibInspector.Inspect (mutated copies of a real proc-macro .so: header, section table, names, .dynsym/.dynstr, .rustc, truncation)",
            random => elf.NextMutation(random),
            mutation =>
            {
                elf.Apply(mutation);
                try
                {
                    var before = GC.GetAllocatedBytesForCurrentThread();
                    try
                    {
                        DylibInspector.Inspect(elf.Path);
                        return FuzzOutcome.Accepted;
                    }
                    catch (DylibInspectionException)
                    {
                        return FuzzOutcome.Rejected;
                    }
                    finally
                    {
                        // Every size from the file is checked before allocating: a small file cannot cost much.
                        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                        if (allocated > 64L << 20)
                            throw new InvalidOperationException($"inspecting a {elf.Length}-byte file allocated {allocated >> 20} MiB");
                    }
                }
                finally
                {
                    elf.Restore(mutation);
                }
            },
            mutation => mutation.ToString(), output);
    }
}
