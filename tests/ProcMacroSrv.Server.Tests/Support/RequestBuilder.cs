using System.Text;
using ProcMacroSrv.Protocol;
using ProcMacroSrv.Protocol.Json;
using ProcMacroSrv.TokenModel;
using ProcMacroSrv.TokenModel.Lexing;

namespace ProcMacroSrv.Server.Tests.Support;

/// <summary>The three kinds of proc macro, which decide how the client shapes a request.</summary>
internal enum MacroKind
{
    /// <summary><c>name!(input)</c>: the body is the contents of the delimiters.</summary>
    FnLike,

    /// <summary><c>#[derive(Name)] item</c>: the body is the item without the derive attribute.</summary>
    Derive,

    /// <summary><c>#[name(args)] item</c>: the body is the item without the attribute, the attributes tree its arguments.</summary>
    Attr,
}

/// <summary>An <c>ExpandMacro</c> request ready to send, and what a comparison needs to know about it.</summary>
/// <param name="Json">The request line (without newline), byte for byte what both servers receive.</param>
/// <param name="Request">The request itself.</param>
/// <param name="Mode">The span mode the connection must be in.</param>
/// <param name="Globals">def_site, call_site and mixed_site as spans.</param>
internal sealed record BuiltRequest(byte[] Json, ExpandMacroRequest Request, SpanMode Mode, GlobalSpans Globals);

/// <summary>
/// Builds <c>ExpandMacro</c> requests as rust-analyzer does: the Rust text is lexed into token
/// trees, the root is an invisible-delimiter group, and the trees are encoded with
/// <see cref="ExpandMacroRequest.Encode"/> (span table: def/call/mixed site first, then the body,
/// then the attributes; protocol.md sections 3.7 and 3.9).
/// </summary>
/// <remarks>
/// RustAnalyzer mode: every token of the invocation gets a span in file <see cref="FileId"/>
/// (edition 2021) anchored at the fixed AST id <see cref="ItemAnchor"/>, with its byte range inside
/// the invocation's text and the edition-2021 root context. The global spans are anchored at the
/// file root with the invocation's absolute range and contexts 1, 2 and 3 (an expansion's
/// def/call/mixed-site contexts are never root contexts). Because no input token shares the
/// call site's anchor and context, a span that does is one the macro made from the call site
/// (see <see cref="Divergence.FromStrSpans"/>).
/// Id mode: every token gets the next span id from 0, the global spans are 1000001–1000003.
/// </remarks>
internal static class RequestBuilder
{
    /// <summary>File 7, edition 2021 (bits 30..23 = 2).</summary>
    public const uint FileId = (2u << 23) | 7;

    /// <summary>The proc-macro crate's file, for def_site: file 3, edition 2021.</summary>
    public const uint MacroFileId = (2u << 23) | 3;

    /// <summary>A fixed AST id: kind Struct (2), index 1, hash 0x5eed.</summary>
    public const uint ItemAnchor = (2u << 27) | (1u << 16) | 0x5eed;

    /// <summary>The root syntax context of edition 2021: <c>0xFFFFFF00 + (3 - 2)</c>.</summary>
    public const uint RootContext2021 = 0xFFFF_FF01;

    /// <summary>Where the invocation starts in the file, for the global spans.</summary>
    public const uint InvocationOffset = 100_000;

    public const uint DefSiteContext = 1;
    public const uint CallSiteContext = 2;
    public const uint MixedSiteContext = 3;

    public static readonly GlobalSpans IdGlobals = new(Span.Opaque(1_000_001), Span.Opaque(1_000_002), Span.Opaque(1_000_003));

    /// <summary>The environment rust-analyzer passes for a package (cargo's variables), plus <paramref name="extra"/>.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> CargoEnvironment(IEnumerable<KeyValuePair<string, string>>? extra = null)
    {
        var manifestDir = Path.Combine(Fixtures.RepositoryLayout.FixturesWorkspace, "pm-check");
        List<KeyValuePair<string, string>> env =
        [
            new("CARGO_PKG_NAME", "pm-check"),
            new("CARGO_CRATE_NAME", "pm_check"),
            new("CARGO_PKG_VERSION", "0.1.0"),
            new("CARGO_PKG_VERSION_MAJOR", "0"),
            new("CARGO_PKG_VERSION_MINOR", "1"),
            new("CARGO_PKG_VERSION_PATCH", "0"),
            new("CARGO_PKG_AUTHORS", ""),
            new("CARGO_PKG_DESCRIPTION", "Uses every fixture macro"),
            new("CARGO_MANIFEST_DIR", manifestDir),
            new("CARGO_MANIFEST_PATH", Path.Combine(manifestDir, "Cargo.toml")),
        ];
        if (extra is not null) env.AddRange(extra);
        return env;
    }

    /// <summary>The working directory rust-analyzer gives: the package's directory.</summary>
    public static string CurrentDirectory => Path.Combine(Fixtures.RepositoryLayout.FixturesWorkspace, "pm-check");

    /// <summary>Builds the request for one invocation in <paramref name="mode"/>.</summary>
    /// <param name="lib">The dylib path.</param>
    /// <param name="macroName">The macro's name (a derive's trait name).</param>
    /// <param name="kind">The macro's kind.</param>
    /// <param name="input">For fn-like macros the text inside the delimiters, else the item (without the invoking attribute).</param>
    /// <param name="attributeArgs">Attribute macros: the text inside <c>#[name(…)]</c>, or null for <c>#[name]</c>.</param>
    /// <param name="mode">The span mode.</param>
    /// <param name="env">Environment variables, or null for <see cref="CargoEnvironment"/>.</param>
    /// <param name="tokenContext">The syntax context of the input's tokens (RustAnalyzer mode): the root
    /// context of edition 2021 in API version 6, 0 for servers of API version 5 (rustc 1.85), whose
    /// interned contexts must stay below 0xFFFFFF00.</param>
    public static BuiltRequest Build(string lib, string macroName, MacroKind kind, string input, string? attributeArgs, SpanMode mode,
        IReadOnlyList<KeyValuePair<string, string>>? env = null, uint tokenContext = RootContext2021)
    {
        // The invocation as written, and where each part starts in it.
        string text;
        int bodyOffset;
        int argsOffset = 0;
        switch (kind)
        {
            case MacroKind.FnLike:
                text = $"{macroName}!({input})";
                bodyOffset = Bytes(macroName) + 2;
                break;
            case MacroKind.Derive:
                text = $"#[derive({macroName})]\n{input}";
                bodyOffset = Bytes($"#[derive({macroName})]\n");
                break;
            case MacroKind.Attr:
                var attribute = attributeArgs is null ? $"#[{macroName}]" : $"#[{macroName}({attributeArgs})]";
                text = $"{attribute}\n{input}";
                argsOffset = Bytes(macroName) + 3;
                bodyOffset = Bytes(attribute) + 1;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
        var textLength = (uint)Bytes(text);

        var nextId = 0u;
        Span At(int start, int end) => mode == SpanMode.Id
            ? Span.Opaque(nextId++)
            : new Span(FileId, ItemAnchor, (uint)start, (uint)end, tokenContext);

        var globals = mode == SpanMode.Id
            ? IdGlobals
            : new GlobalSpans(
                new Span(MacroFileId, Span.RootAnchor, 0, 0, DefSiteContext),
                new Span(FileId, Span.RootAnchor, InvocationOffset, InvocationOffset + textLength, CallSiteContext),
                new Span(FileId, Span.RootAnchor, InvocationOffset, InvocationOffset + textLength, MixedSiteContext));

        Group body;
        Group? attributes = null;
        var bodyLength = Bytes(input);
        switch (kind)
        {
            case MacroKind.FnLike:
            {
                // The call's own delimiters become the invisible root's open and close spans.
                var open = At(bodyOffset - 1, bodyOffset);
                var close = At(bodyOffset + bodyLength, bodyOffset + bodyLength + 1);
                body = new Group(Delimiter.None, Lex(input, bodyOffset, At), new DelimSpan(open, close, close));
                break;
            }
            case MacroKind.Derive:
            {
                // The item node (the derive attribute is part of it, and censored).
                var whole = At(0, (int)textLength);
                body = new Group(Delimiter.None, Lex(input, bodyOffset, At), DelimSpan.Single(whole));
                break;
            }
            default:
            {
                var whole = At(0, (int)textLength);
                if (attributeArgs is null)
                {
                    var path = At(2, 2 + Bytes(macroName));
                    attributes = new Group(Delimiter.None, TokenStream.Empty, DelimSpan.Single(path));
                }
                else
                {
                    var argsLength = Bytes(attributeArgs);
                    var open = At(argsOffset - 1, argsOffset);
                    var close = At(argsOffset + argsLength, argsOffset + argsLength + 1);
                    attributes = new Group(Delimiter.None, Lex(attributeArgs, argsOffset, At), new DelimSpan(open, close, close));
                }
                body = new Group(Delimiter.None, Lex(input, bodyOffset, At), DelimSpan.Single(whole));
                break;
            }
        }

        var request = ExpandMacroRequest.Encode(lib, macroName, body, attributes, globals, mode,
            env ?? CargoEnvironment(), CurrentDirectory);
        return new BuiltRequest(JsonLegacyWriter.EncodeRequest(request), request, mode, globals);
    }

    /// <summary>Lexes Rust text that must be valid; token ranges are shifted by <paramref name="offset"/>.</summary>
    public static TokenStream Lex(string text, int offset, Func<int, int, Span> span)
    {
        var result = TokenStreamParser.Parse(text, (start, end) => span(offset + start, offset + end), new ParseOptions(Edition.Edition2021));
        if (!result.IsSuccess || result.Stream is null)
            throw new ArgumentException($"test input does not lex cleanly: {result.ErrorMessage ?? string.Join("; ", result.Diagnostics.Select(d => d.Message))}\n{text}");
        return result.Stream;
    }

    private static int Bytes(string text) => Encoding.UTF8.GetByteCount(text);
}
