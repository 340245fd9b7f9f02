using System.Text;
using ProcMacroSrv.Protocol;
using ProcMacroSrv.Protocol.Json;
using ProcMacroSrv.TokenModel;

namespace ProcMacroSrv.Server.Tests.Support;

/// <summary>
/// Token-for-token comparison, for reference servers that speak an older protocol generation
/// (rustc 1.85's speaks API version 5: a result that is one group comes back wrapped in an
/// invisible root, and a group passed through keeps only one delimiter span). Spans are not
/// compared; tokens, spacing, delimiters and literals are, and errors by text. A case's declared
/// divergences relax exactly their own part: string values produced by <c>to_string</c> or lexer
/// errors compare without whitespace, puncts parsed from strings may differ in jointness, and a
/// negative literal compares by its whole text.
/// </summary>
internal static class TokenComparer
{
    public static void AssertSameTokens(string what, byte[] ours, byte[] reference, IReadOnlyCollection<Divergence> declared)
    {
        var ourResponse = JsonLegacyReader.ReadResponse(ours);
        var refResponse = JsonLegacyReader.ReadResponse(reference);
        Assert.True(ourResponse.GetType() == refResponse.GetType(),
            $"{what}: response variants differ: ours {ourResponse.GetType().Name}, reference {refResponse.GetType().Name}");
        var ourError = ResponseComparer.ErrorOf(ourResponse);
        var refError = ResponseComparer.ErrorOf(refResponse);
        if (declared.Contains(Divergence.LexErrorOnOldBridge))
        {
            Assert.True(ourError is not null && refError is null,
                $"{what}: expected our expansion to fail as rustc's does and the old reference to go on; ours `{ourError}`, reference `{refError}`");
            return;
        }
        if (ourError is not null || refError is not null)
        {
            Assert.True(ourError is not null && refError is not null, $"{what}: one side failed: ours `{ourError}`, reference `{refError}`");
            if (!declared.Contains(Divergence.LexErrorText) && !declared.Contains(Divergence.LoadErrorReason)) Assert.Equal(refError, ourError);
            return;
        }
        var ourTokens = Flatten(Decode(ourResponse));
        var refTokens = Flatten(Decode(refResponse));
        var relaxStrings = declared.Any(d => d is Divergence.ToStringLayout or Divergence.LexErrorText or Divergence.DocCommentFromStr);
        var relaxSpacing = declared.Contains(Divergence.FromStrSpacing);
        var length = Math.Max(ourTokens.Count, refTokens.Count);
        for (var i = 0; i < length; i++)
        {
            var o = i < ourTokens.Count ? ourTokens[i] : "<end>";
            var r = i < refTokens.Count ? refTokens[i] : "<end>";
            if (o == r) continue;
            if (relaxStrings && o.StartsWith("str ", StringComparison.Ordinal) && r.StartsWith("str ", StringComparison.Ordinal) && Squash(o) == Squash(r)) continue;
            if (relaxSpacing && o.StartsWith("punct", StringComparison.Ordinal) && Unjoint(o) == Unjoint(r)) continue;
            Assert.Fail($"{what}: token {i} differs:\n  ours      {o}\n  reference {r}\n" +
                        $"ours:      {string.Join(" ", ourTokens.Take(i + 5))}\nreference: {string.Join(" ", refTokens.Take(i + 5))}");
        }
    }

    private static TokenStream Decode(Response response)
    {
        var stream = response switch
        {
            ExpandMacroResponse e => e.DecodeTree(),
            ExpandMacroExtendedResponse e => e.DecodeTree(),
            _ => throw new ArgumentException($"not an expansion response: {response.GetType().Name}"),
        };
        // An invisible root around the whole result is the older protocol's framing, not a token.
        return stream.Count == 1 && stream[0] is Group { Delimiter: Delimiter.None } root ? root.Stream : stream;
    }

    private static List<string> Flatten(TokenStream stream)
    {
        var tokens = new List<string>();
        var pending = new Stack<(TokenTree? Tree, string? Close)>();
        foreach (var t in stream.AsSpan().ToArray().Reverse()) pending.Push((t, null));
        while (pending.Count > 0)
        {
            var (tree, close) = pending.Pop();
            if (close is not null)
            {
                tokens.Add(close);
                continue;
            }
            switch (tree)
            {
                case Group g:
                    tokens.Add($"open {g.Delimiter}");
                    pending.Push((null, $"close {g.Delimiter}"));
                    foreach (var c in g.Stream.AsSpan().ToArray().Reverse()) pending.Push((c, null));
                    break;
                case Ident i: tokens.Add($"ident {(i.IsRaw ? "r#" : "")}{i.Name}"); break;
                case Punct p: tokens.Add($"punct {p.Char} {(p.Spacing == Spacing.Joint ? "Joint" : "Alone")}"); break;
                case Literal { Kind: LiteralKind.Str } l: tokens.Add($"str {l.Symbol}{l.Suffix}"); break;
                case Literal l: tokens.Add($"literal {l.Kind}({l.Hashes}) {l.Symbol}{l.Suffix}"); break;
            }
        }
        return tokens;
    }

    private static string Squash(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c)));

    private static string Unjoint(string punct) => punct.Replace("Joint", "Alone", StringComparison.Ordinal);
}
