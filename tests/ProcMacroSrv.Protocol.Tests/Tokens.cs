using ProcMacroSrv.TokenModel;

namespace ProcMacroSrv.Protocol.Tests;

/// <summary>Terse constructors for tokens in tests.</summary>
internal static class Tokens
{
    public static Ident Id(string name, Span span, bool raw = false) => new(Symbol.Intern(name), raw, span);

    public static Punct P(char c, Span span, Spacing spacing = Spacing.Alone) => new(c, spacing, span);

    public static Literal Lit(LiteralKind kind, string symbol, Span span, string? suffix = null, byte hashes = 0) =>
        new(kind, hashes, Symbol.Intern(symbol), suffix is null ? null : Symbol.Intern(suffix), span);

    public static Group G(Delimiter d, Span open, Span close, params TokenTree[] children) =>
        new(d, TokenStream.Of(children), new DelimSpan(open, close, close));

    public static TokenStream S(params TokenTree[] trees) => TokenStream.Of(trees);

    public static Span O(uint id) => Span.Opaque(id);
}
