using System.Text;
using ProcMacroSrv.Protocol;
using ProcMacroSrv.Protocol.Json;
using ProcMacroSrv.TokenModel;
using ProcMacroSrv.TokenModel.Lexing;

namespace ProcMacroSrv.Bench.Sessions;

/// <summary>An <c>ExpandMacro</c> request line, byte for byte what both servers receive.</summary>
/// <param name="Json">The request line without its newline.</param>
/// <param name="Tokens">How many tokens (leaves and groups) the body and attributes hold.</param>
internal sealed record RequestBytes(byte[] Json, int Tokens);

/// <summary>
/// Builds <c>ExpandMacro</c> requests in RustAnalyzer span mode as rust-analyzer does: the
/// invocation's Rust text is lexed with our lexer, every token gets a span anchored at the item
/// (or macro call) with its byte range relative to the anchor's start and the edition's root
/// context, the root is an invisible group, and <see cref="ExpandMacroRequest.Encode"/> lays out
/// the span table (def/call/mixed site first, then the body's spans, then the attributes').
/// </summary>
internal static class RequestFactory
{
    /// <summary>Edition 2021 (bits 30..23 = 2) and file index 11: the crate file that holds the invocations.</summary>
    private const uint CallerFile = (2u << 23) | 11;

    /// <summary>The proc-macro crate's own file, for def_site.</summary>
    private const uint MacroCrateFile = (2u << 23) | 3;

    /// <summary>Root syntax context of edition 2021: 0xFFFFFF00 + (3 - 2).</summary>
    private const uint RootContext2021 = 0xFFFF_FF01;

    /// <summary>The syntax contexts rust-analyzer gives an expansion's def, call and mixed site (never root contexts).</summary>
    private const uint DefSiteContext = 17, CallSiteContext = 18, MixedSiteContext = 19;

    /// <summary>Where the invocation starts in the file.</summary>
    private const uint InvocationOffset = 2048;

    /// <summary>AST-id kinds of API version 6 (bits 31..27).</summary>
    private const uint KindEnum = 1, KindStruct = 2, KindTrait = 9, KindFn = 12, KindMacroCall = 13;

    /// <summary>Builds the request line for <paramref name="invocation"/> against <paramref name="lib"/>.</summary>
    /// <param name="lib">The dylib path.</param>
    /// <param name="invocation">The invocation.</param>
    /// <param name="index">Varies the anchor's index (0..2047), as different items of a file have different AST ids.</param>
    /// <param name="env">The environment rust-analyzer passes (cargo's variables for the crate).</param>
    /// <param name="currentDir">The crate's directory.</param>
    public static RequestBytes Build(string lib, Invocation invocation, int index, IReadOnlyList<KeyValuePair<string, string>> env, string currentDir)
    {
        var name = invocation.Macro;
        string text;
        int bodyOffset, argsOffset = 0;
        switch (invocation.Kind)
        {
            case MacroKind.FnLike:
                text = $"{name}!({invocation.Input})";
                bodyOffset = Bytes(name) + 2;
                break;
            case MacroKind.Derive:
                text = $"#[derive({name})]\n{invocation.Input}";
                bodyOffset = Bytes($"#[derive({name})]\n");
                break;
            default:
                var attribute = invocation.AttributeArgs is null ? $"#[{name}]" : $"#[{name}({invocation.AttributeArgs})]";
                text = $"{attribute}\n{invocation.Input}";
                argsOffset = Bytes(name) + 3;
                bodyOffset = Bytes(attribute) + 1;
                break;
        }
        var length = (uint)Bytes(text);
        var anchor = (AnchorKind(invocation) << 27) | ((uint)(index & 0x7FF) << 16) | (uint)((index * 40503) & 0xFFFF);
        Span At(int start, int end) => new(CallerFile, anchor, (uint)start, (uint)end, RootContext2021);

        // def_site lies in the macro's crate; call and mixed site cover the invocation at the file root.
        var globals = new GlobalSpans(
            new Span(MacroCrateFile, Span.RootAnchor, 0, 0, DefSiteContext),
            new Span(CallerFile, Span.RootAnchor, InvocationOffset, InvocationOffset + length, CallSiteContext),
            new Span(CallerFile, Span.RootAnchor, InvocationOffset, InvocationOffset + length, MixedSiteContext));

        var tokens = 0;
        TokenStream Lex(string source, int offset)
        {
            var result = TokenStreamParser.Parse(source, (s, e) => At(offset + s, offset + e), new ParseOptions(Edition.Edition2021));
            if (!result.IsSuccess || result.Stream is null)
                throw new InvalidOperationException($"generated input does not lex cleanly ({result.ErrorMessage}):\n{source}");
            tokens += CountTokens(result.Stream);
            return result.Stream;
        }

        var inputLength = Bytes(invocation.Input);
        Group body;
        Group? attributes = null;
        switch (invocation.Kind)
        {
            case MacroKind.FnLike:
            {
                // The call's parentheses become the invisible root's open and close spans.
                var open = At(bodyOffset - 1, bodyOffset);
                var close = At(bodyOffset + inputLength, bodyOffset + inputLength + 1);
                body = new Group(Delimiter.None, Lex(invocation.Input, bodyOffset), new DelimSpan(open, close, close));
                break;
            }
            case MacroKind.Derive:
                body = new Group(Delimiter.None, Lex(invocation.Input, bodyOffset), DelimSpan.Single(At(0, (int)length)));
                break;
            default:
            {
                var whole = At(0, (int)length);
                if (invocation.AttributeArgs is null)
                {
                    attributes = new Group(Delimiter.None, TokenStream.Empty, DelimSpan.Single(At(2, 2 + Bytes(name))));
                }
                else
                {
                    var argsLength = Bytes(invocation.AttributeArgs);
                    var open = At(argsOffset - 1, argsOffset);
                    var close = At(argsOffset + argsLength, argsOffset + argsLength + 1);
                    attributes = new Group(Delimiter.None, Lex(invocation.AttributeArgs, argsOffset), new DelimSpan(open, close, close));
                }
                body = new Group(Delimiter.None, Lex(invocation.Input, bodyOffset), DelimSpan.Single(whole));
                break;
            }
        }

        var request = ExpandMacroRequest.Encode(lib, name, body, attributes, globals, SpanMode.RustAnalyzer, env, currentDir);
        return new RequestBytes(JsonLegacyWriter.EncodeRequest(request), tokens);
    }

    /// <summary>The environment rust-analyzer passes for a cargo package: cargo's variables.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> CargoEnvironment(string manifestDir, string package) =>
    [
        new("CARGO", "cargo"),
        new("CARGO_CRATE_NAME", package.Replace('-', '_')),
        new("CARGO_MANIFEST_DIR", manifestDir),
        new("CARGO_MANIFEST_PATH", Path.Combine(manifestDir, "Cargo.toml")),
        new("CARGO_PKG_AUTHORS", "Bench Author <bench@example.invalid>"),
        new("CARGO_PKG_DESCRIPTION", "A crate whose macros are expanded by the benchmark"),
        new("CARGO_PKG_HOMEPAGE", ""),
        new("CARGO_PKG_LICENSE", "MIT OR Apache-2.0"),
        new("CARGO_PKG_LICENSE_FILE", ""),
        new("CARGO_PKG_NAME", package),
        new("CARGO_PKG_README", "README.md"),
        new("CARGO_PKG_REPOSITORY", ""),
        new("CARGO_PKG_RUST_VERSION", ""),
        new("CARGO_PKG_VERSION", "0.3.1"),
        new("CARGO_PKG_VERSION_MAJOR", "0"),
        new("CARGO_PKG_VERSION_MINOR", "3"),
        new("CARGO_PKG_VERSION_PATCH", "1"),
        new("CARGO_PKG_VERSION_PRE", ""),
    ];

    private static uint AnchorKind(Invocation invocation) => invocation.Kind switch
    {
        MacroKind.FnLike => KindMacroCall,
        _ when invocation.Input.Contains(" enum ", StringComparison.Ordinal) || invocation.Input.StartsWith("pub enum", StringComparison.Ordinal) => KindEnum,
        _ when invocation.Input.Contains(" trait ", StringComparison.Ordinal) || invocation.Input.StartsWith("pub trait", StringComparison.Ordinal) => KindTrait,
        _ when invocation.Input.Contains(" fn ", StringComparison.Ordinal) || invocation.Input.StartsWith("pub fn", StringComparison.Ordinal) => KindFn,
        _ => KindStruct,
    };

    /// <summary>Leaves and groups of a stream, counted without recursion.</summary>
    public static int CountTokens(TokenStream stream)
    {
        var count = 0;
        var pending = new Stack<TokenStream>();
        pending.Push(stream);
        while (pending.Count > 0)
        {
            foreach (var tree in pending.Pop())
            {
                count++;
                if (tree is Group g) pending.Push(g.Stream);
            }
        }
        return count;
    }

    private static int Bytes(string text) => Encoding.UTF8.GetByteCount(text);
}
