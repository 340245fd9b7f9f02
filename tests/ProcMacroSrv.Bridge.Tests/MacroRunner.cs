using System.Text;
using ProcMacroSrv.Bridge.Expansion;
using ProcMacroSrv.Fixtures;
using ProcMacroSrv.TokenModel;
using ProcMacroSrv.TokenModel.Lexing;
using ProcMacroSrv.TokenModel.Literals;
using ProcMacroSrv.TokenModel.Printing;
using ProcMacroSrv.TokenModel.Spans;

namespace ProcMacroSrv.Bridge.Tests;

/// <summary>Expands fixture macros through the bridge, the way the CLI does, and reads results back.</summary>
internal static class MacroRunner
{
    private static readonly ProcMacroLibraryCache Cache = new();

    public static FixtureDylibs Stable => FixtureCrates.Build(Toolchains.Stable);

    public static ProcMacroLibrary Library(string path) => Cache.Get(path);

    public static TokenStream Lex(string text, uint file = 0)
    {
        var parsed = TokenStreamParser.Parse(text, (s, e) => Span.InFile(file, (uint)s, (uint)e));
        Assert.True(parsed.IsSuccess, $"test input does not lex: {parsed.ErrorMessage}");
        return parsed.Stream!;
    }

    public static ExpansionResult Expand(string dylib, string macro, string input, string? attr = null,
        IReadOnlyList<KeyValuePair<string, string>>? env = null, string? cwd = null) =>
        Expand(Library(dylib), macro, input, attr, env, cwd);

    /// <summary>Expands with a given library (e.g. one served by a learned bridge table).</summary>
    public static ExpansionResult Expand(ProcMacroLibrary library, string macro, string input, string? attr = null,
        IReadOnlyList<KeyValuePair<string, string>>? env = null, string? cwd = null)
    {
        var callSite = Span.InFile(0, 0, (uint)Encoding.UTF8.GetByteCount(input));
        var files = new Dictionary<uint, SourceFileText> { [0] = new("input.rs", input), [1] = new("attr.rs", attr ?? "") };
        var spans = new SourceTextSpanSemantics(callSite, callSite, callSite, files);
        return library.Expand(new ExpansionRequest(macro, Lex(input), spans)
        {
            Attributes = attr is null ? null : Lex(attr, 1),
            Environment = env ?? [],
            CurrentDirectory = cwd,
        });
    }

    /// <summary>Expands and returns the printed output; fails the test if the macro panicked.</summary>
    public static string ExpandToText(string dylib, string macro, string input, string? attr = null,
        IReadOnlyList<KeyValuePair<string, string>>? env = null)
    {
        var result = Expand(dylib, macro, input, attr, env);
        Assert.True(result.Succeeded, $"{macro} panicked: {result.PanicMessage}");
        Assert.Equal(0, result.LeakedHandles);
        return TokenPrinter.Print(result.Output!);
    }

    /// <summary>The values of a <c>["a", "b"]</c> expansion, with Rust string escapes decoded.</summary>
    public static string[] StringArray(TokenStream output)
    {
        var group = Assert.IsType<Group>(Assert.Single(output.AsSpan().ToArray()));
        Assert.Equal(Delimiter.Bracket, group.Delimiter);
        return group.Stream.AsSpan().ToArray().OfType<Literal>().Select(l =>
        {
            Assert.Equal(LiteralKind.Str, l.Kind);
            return Unescape(l.Symbol.Text);
        }).ToArray();
    }

    /// <summary>The value of a single string literal expansion.</summary>
    public static string StringValue(TokenStream output)
    {
        var literal = Assert.IsType<Literal>(Assert.Single(output.AsSpan().ToArray()));
        Assert.Equal(LiteralKind.Str, literal.Kind);
        return Unescape(literal.Symbol.Text);
    }

    /// <summary>Decodes the escapes of a Rust string literal body.</summary>
    public static string Unescape(string body) =>
        LiteralEscapes.StringValue(body) ?? throw new FormatException($"not a valid string literal body: {body}");
}

/// <summary>Reads <c>const NAME: T = value;</c> items out of an expansion.</summary>
internal static class ConstItems
{
    /// <summary>Every string literal value (depth-first, through groups) in the value of const <paramref name="name"/>.</summary>
    public static string[] Strings(TokenStream output, string name)
    {
        var trees = FindImpl(output).AsSpan().ToArray();
        var at = Array.FindIndex(trees, t => t is Ident i && i.Name.Text == name);
        Assert.True(at >= 0, $"no const {name} in the expansion");
        var eq = Array.FindIndex(trees, at, t => t is Punct { Char: '=' });
        var end = Array.FindIndex(trees, eq, t => t is Punct { Char: ';' });
        var values = new List<string>();
        void Collect(TokenTree t)
        {
            switch (t)
            {
                case Literal { Kind: LiteralKind.Str } l: values.Add(MacroRunner.Unescape(l.Symbol.Text)); break;
                case Group g: foreach (var c in g.Stream.AsSpan()) Collect(c); break;
            }
        }
        for (var i = eq + 1; i < end; i++) Collect(trees[i]);
        return values.ToArray();
    }

    // Consts may sit inside `impl X { ... }`: look into the last brace group of an impl.
    private static TokenStream FindImpl(TokenStream output)
    {
        var trees = output.AsSpan().ToArray();
        if (trees.Length > 0 && trees[0] is Ident { Name.Text: "impl" } && trees[^1] is Group { Delimiter: Delimiter.Brace } body) return body.Stream;
        return output;
    }
}
