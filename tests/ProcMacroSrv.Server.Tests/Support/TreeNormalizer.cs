using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ProcMacroSrv.Protocol;
using ProcMacroSrv.Protocol.Json;
using ProcMacroSrv.TokenModel;
using ProcMacroSrv.TokenModel.Lexing;
using Group = ProcMacroSrv.TokenModel.Group;

namespace ProcMacroSrv.Server.Tests.Support;

/// <summary>
/// Rewrites the reference's expansion so that exactly the declared tree divergences are undone,
/// then encodes it again as a server would (call site first, the request's span table extended
/// in writer order), so the result can be compared with our bytes. Each rule is narrow:
/// <list type="bullet">
/// <item><see cref="Divergence.FromStrSpans"/>: a span the reference created (not in the request's
/// table) with the call site's file, anchor and context and a range inside the parsed string
/// (ending before the call site's range starts) becomes the call site.
/// No input token shares the call site's anchor and context (<see cref="RequestBuilder"/>), so
/// this touches only tokens parsed from strings; <c>located_at</c>/<c>resolved_at</c> results keep the
/// input's anchor and are left alone.</item>
/// <item><see cref="Divergence.FromStrSpacing"/>: a Joint punct parsed from a string (RustAnalyzer
/// mode: it has such a span; Id mode: it has the call-site id) that is directly followed by a group,
/// by a lifetime (<c>'</c> then an ident) or by its group's closing delimiter becomes Alone.</item>
/// <item><see cref="Divergence.NegativeLiteralSplit"/>: an integer or float literal whose symbol starts
/// with <c>-</c> and has a suffix: the suffix's first character moves to the symbol.</item>
/// <item><see cref="Divergence.ToStringLayout"/>: a Str literal that differs from ours at the same
/// place, where both values lex to the same tokens (whitespace and spacing aside), takes our text.</item>
/// <item><see cref="Divergence.DocCommentFromStr"/>: the Str literal of a <c>[doc = "…"]</c> group whose
/// value is ours with one more leading <c>/</c>, <c>*</c> or <c>!</c> (the third character of the
/// opener) takes our text.</item>
/// <item><see cref="Divergence.LexErrorText"/>: a Str literal that differs from ours at the same place
/// only in one of the reference's LexError messages, in place of which ours has a non-empty message.</item>
/// </list>
/// </summary>
internal sealed class TreeNormalizer(BuiltRequest expand, IReadOnlySet<Divergence> rules)
{
    private static readonly Regex ReferenceLexError = new(
        @"cannot parse string into literal|failed to parse str to token stream: (?:Unexpected '.'|Expected '.'|Mismatched token groups|Lifetime cannot start with a number|(?:Unknown token|Invalid identifier|Unknown prefix|Unknown lifetime prefix): `[^`]*`)",
        RegexOptions.CultureInvariant);

    private readonly SpanDataTable _requestTable = SpanDataTable.FromWire(expand.Request.SpanDataTable.Span);
    private readonly Span _callSite = expand.Globals.CallSite;

    /// <summary>The declared divergences that changed something.</summary>
    public HashSet<Divergence> Shown { get; } = [];

    public byte[] Normalize(byte[] reference, byte[] ours)
    {
        if (!TryDecode(reference, out var refRoot, out var extended) || !TryDecode(ours, out var ourRoot, out _)) return reference;
        // A result of several tokens was put under a new invisible root spanning the call site;
        // a single group is the root itself (protocol.md section 3.6).
        var synthetic = refRoot.Delimiter == Delimiter.None && refRoot.Spans.Open == _callSite && refRoot.Spans.Close == _callSite;
        var mapped = MapGroup(refRoot, ourRoot);
        var stream = synthetic ? mapped.Stream : TokenStream.Single(mapped);
        if (!extended)
            return JsonLegacyWriter.EncodeResponse(ExpandMacroResponse.Ok(FlatTree.FromTokenStream(stream, _callSite, SpanIds.Instance)));
        var table = SpanDataTable.FromWire(expand.Request.SpanDataTable.Span);
        var tree = FlatTree.FromTokenStream(stream, _callSite, table);
        return JsonLegacyWriter.EncodeResponse(ExpandMacroExtendedResponse.Ok(tree, table.ToWire()));
    }

    private static bool TryDecode(byte[] line, out Group root, out bool extended)
    {
        switch (JsonLegacyReader.ReadResponse(line))
        {
            case ExpandMacroResponse { Tree: { } tree }:
                root = tree.ToGroup(SpanIds.Instance);
                extended = false;
                return true;
            case ExpandMacroExtendedResponse { Tree: { } tree } response:
                root = tree.ToGroup(SpanDataTable.FromWire(response.SpanDataTable.Span));
                extended = true;
                return true;
            default:
                root = null!;
                extended = false;
                return false;
        }
    }

    private Group MapGroup(Group group, Group? ours)
    {
        var trees = group.Stream.AsSpan();
        // Ours is consulted token by token only where both streams have the same shape.
        var paired = ours is not null && ours.Delimiter == group.Delimiter && ours.Stream.Count == trees.Length ? ours.Stream.AsSpan() : default;
        var result = new TokenTree[trees.Length];
        for (var i = 0; i < trees.Length; i++)
        {
            var other = paired.IsEmpty ? null : paired[i];
            result[i] = trees[i] switch
            {
                Group g => MapGroup(g, other as Group),
                Punct p => MapPunct(p, i + 1 < trees.Length ? trees[i + 1] : null, i + 2 < trees.Length ? trees[i + 2] : null),
                Literal l => MapLiteral(l, other as Literal, IsDocValue(group, i)),
                var t => t.WithSpan(MapSpan(t.Span)),
            };
        }
        return new Group(group.Delimiter, TokenStream.Adopt(result),
            new DelimSpan(MapSpan(group.Spans.Open), MapSpan(group.Spans.Close), MapSpan(group.Spans.Entire)));
    }

    /// <summary>
    /// A span the reference made for a token parsed from a string: new (not in the request's
    /// table), with the call site's file, anchor and context, and a range that is an offset into
    /// the string, so it ends before the invocation's own range begins (invocations are placed at
    /// <see cref="RequestBuilder.InvocationOffset"/>; spans derived from the call site, such as
    /// <c>Span::call_site().start()</c>, lie inside its range and are not matched).
    /// </summary>
    private bool IsFromStrSpan(Span span) =>
        !span.IsOpaque && !_requestTable.TryGetIndex(span, out _)
        && span.FileId == _callSite.FileId && span.AstId == _callSite.AstId && span.Context == _callSite.Context
        && span.End < _callSite.Start;

    private Span MapSpan(Span span)
    {
        if (!rules.Contains(Divergence.FromStrSpans) || !IsFromStrSpan(span)) return span;
        Shown.Add(Divergence.FromStrSpans);
        return _callSite;
    }

    private Punct MapPunct(Punct punct, TokenTree? next, TokenTree? afterNext)
    {
        var spacing = punct.Spacing;
        var parsed = expand.Mode == SpanMode.Id ? punct.Span == _callSite : IsFromStrSpan(punct.Span);
        var beforeDelimiterOrLifetime = next is null or Group || (next is Punct { Char: '\'' } && afterNext is Ident);
        if (rules.Contains(Divergence.FromStrSpacing) && spacing == Spacing.Joint && parsed && beforeDelimiterOrLifetime)
        {
            spacing = Spacing.Alone;
            Shown.Add(Divergence.FromStrSpacing);
        }
        return new Punct(punct.Char, spacing, MapSpan(punct.Span));
    }

    /// <summary>Whether <c>trees[index]</c> is the value of a <c>[doc = …]</c> attribute group.</summary>
    private static bool IsDocValue(Group group, int index)
    {
        var trees = group.Stream.AsSpan();
        return group.Delimiter == Delimiter.Bracket && trees.Length == 3 && index == 2
               && trees[0] is Ident { Name.Text: "doc", IsRaw: false } && trees[1] is Punct { Char: '=' };
    }

    private Literal MapLiteral(Literal literal, Literal? ours, bool isDocValue)
    {
        var symbol = literal.Symbol;
        var suffix = literal.Suffix;
        if (rules.Contains(Divergence.NegativeLiteralSplit) && literal.Kind is LiteralKind.Integer or LiteralKind.Float
            && symbol.Text.StartsWith('-') && suffix is { Text.Length: > 0 } split)
        {
            symbol = Symbol.Intern(symbol.Text + split.Text[0]);
            suffix = split.Text.Length > 1 ? Symbol.Intern(split.Text[1..]) : null;
            Shown.Add(Divergence.NegativeLiteralSplit);
        }
        if (ours is { Kind: LiteralKind.Str } && literal.Kind == LiteralKind.Str && ours.Symbol.Text != symbol.Text
            && Unescape(symbol.Text) is { } refValue && Unescape(ours.Symbol.Text) is { } ourValue)
        {
            if (rules.Contains(Divergence.DocCommentFromStr) && isDocValue && symbol.Text.Length == ours.Symbol.Text.Length + 1
                && symbol.Text[0] is '/' or '*' or '!' && symbol.Text.AsSpan(1).SequenceEqual(ours.Symbol.Text))
            {
                symbol = ours.Symbol;
                Shown.Add(Divergence.DocCommentFromStr);
            }
            else if (rules.Contains(Divergence.LexErrorText) && DiffersOnlyInLexError(refValue, ourValue))
            {
                symbol = ours.Symbol;
                Shown.Add(Divergence.LexErrorText);
            }
            else if (rules.Contains(Divergence.ToStringLayout) && SameTokens(refValue, ourValue))
            {
                symbol = ours.Symbol;
                Shown.Add(Divergence.ToStringLayout);
            }
        }
        return new Literal(literal.Kind, literal.Hashes, symbol, suffix, MapSpan(literal.Span));
    }

    /// <summary><paramref name="reference"/> is P + a reference LexError message + S, and ours is P + a non-empty message + S.</summary>
    private static bool DiffersOnlyInLexError(string reference, string ours)
    {
        foreach (Match match in ReferenceLexError.Matches(reference))
        {
            var prefix = reference[..match.Index];
            var suffix = reference[(match.Index + match.Length)..];
            if (ours.Length > prefix.Length + suffix.Length && ours.StartsWith(prefix, StringComparison.Ordinal)
                && ours.EndsWith(suffix, StringComparison.Ordinal))
                return true;
        }
        return false;
    }

    /// <summary>Both texts lex cleanly to the same tokens (kinds, texts, delimiters), whatever the whitespace and spacing.</summary>
    private static bool SameTokens(string a, string b)
    {
        var x = Canonical(a);
        return x is not null && x == Canonical(b);
    }

    private static string? Canonical(string text)
    {
        var result = TokenStreamParser.Parse(text, (_, _) => Span.Opaque(0));
        if (!result.IsSuccess || result.Stream is null) return null;
        var output = new StringBuilder();
        Write(result.Stream, output);
        return output.ToString();

        static void Write(TokenStream stream, StringBuilder output)
        {
            foreach (var tree in stream)
            {
                switch (tree)
                {
                    case Group g:
                        output.Append("G").Append((int)g.Delimiter).Append('(');
                        Write(g.Stream, output);
                        output.Append(')');
                        break;
                    case Ident i:
                        output.Append("I").Append(i.IsRaw ? "r#" : "").Append(i.Name.Text).Append(' ');
                        break;
                    case Punct p:
                        output.Append("P").Append(p.Char).Append(' ');
                        break;
                    case Literal l:
                        output.Append("L").Append((int)l.Kind).Append(':').Append(l.Hashes).Append(':').Append(l.Symbol.Text)
                            .Append(':').Append(l.Suffix?.Text).Append(' ');
                        break;
                }
            }
        }
    }

    /// <summary>The value of a Str literal's symbol (its escapes resolved), or null if it has an escape this does not know.</summary>
    private static string? Unescape(string symbol)
    {
        var output = new StringBuilder(symbol.Length);
        for (var i = 0; i < symbol.Length; i++)
        {
            var c = symbol[i];
            if (c != '\\')
            {
                output.Append(c);
                continue;
            }
            if (++i >= symbol.Length) return null;
            switch (symbol[i])
            {
                case 'n': output.Append('\n'); break;
                case 'r': output.Append('\r'); break;
                case 't': output.Append('\t'); break;
                case '0': output.Append('\0'); break;
                case '\\': output.Append('\\'); break;
                case '\'': output.Append('\''); break;
                case '"': output.Append('"'); break;
                case 'x':
                    if (i + 2 >= symbol.Length) return null;
                    output.Append((char)int.Parse(symbol.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += 2;
                    break;
                case 'u':
                    var close = symbol.IndexOf('}', i);
                    if (i + 1 >= symbol.Length || symbol[i + 1] != '{' || close < 0) return null;
                    var hex = symbol[(i + 2)..close].Replace("_", "", StringComparison.Ordinal);
                    output.Append(char.ConvertFromUtf32(int.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
                    i = close;
                    break;
                case '\n':
                    while (i + 1 < symbol.Length && char.IsWhiteSpace(symbol[i + 1])) i++;
                    break;
                default:
                    return null;
            }
        }
        return output.ToString();
    }
}
