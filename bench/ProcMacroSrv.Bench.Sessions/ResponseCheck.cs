using System.Text;
using ProcMacroSrv.Protocol;
using ProcMacroSrv.Protocol.Json;
using ProcMacroSrv.TokenModel;
using ProcMacroSrv.TokenModel.Printing;

namespace ProcMacroSrv.Bench.Sessions;

/// <summary>How our answer compares with the reference's.</summary>
internal enum Agreement
{
    /// <summary>Byte-identical response lines.</summary>
    Identical,

    /// <summary>The same tokens (kinds, text, spacing, delimiters); only some spans differ.</summary>
    SpansDiffer,

    /// <summary>
    /// The same tokens except for known, deliberate divergences from the reference: punct spacing
    /// of parsed strings, or the whitespace of <c>to_string()</c> text inside string literals.
    /// </summary>
    KnownDivergence,

    /// <summary>Different tokens, or an error on one side only, or different errors.</summary>
    Different,
}

/// <summary>The verdict on one request, with a short explanation when not identical.</summary>
internal sealed record Verdict(Agreement Agreement, string Detail, bool OursIsError, bool ReferenceIsError)
{
    /// <summary>One line for the report's table (the examples are in <see cref="Detail"/>).</summary>
    public string Summary { get; init; } = "";

    public override string ToString() => Agreement switch
    {
        Agreement.Identical => "identical",
        Agreement.SpansDiffer => "same tokens; " + Detail,
        Agreement.KnownDivergence => "same tokens up to known divergences; " + Detail,
        _ => "DIFFERENT: " + Detail,
    };
}

/// <summary>Compares two response lines to the same ExpandMacro request.</summary>
internal static class ResponseCheck
{
    public static Verdict Compare(byte[] ours, byte[] reference)
    {
        var ourResponse = JsonLegacyReader.ReadResponse(ours);
        var refResponse = JsonLegacyReader.ReadResponse(reference);
        var ourError = ErrorOf(ourResponse);
        var refError = ErrorOf(refResponse);
        if (ours.AsSpan().SequenceEqual(reference))
            return new Verdict(Agreement.Identical, "", ourError is not null, refError is not null) { Summary = ourError is null ? "identical" : "identical (both errors)" };
        if (ourResponse.GetType() != refResponse.GetType())
            return new Verdict(Agreement.Different, $"response variants differ: ours {ourResponse.GetType().Name}, reference {refResponse.GetType().Name}", ourError is not null, refError is not null) { Summary = "DIFFERENT: response variants" };
        if (ourError is not null || refError is not null)
        {
            return new Verdict(Agreement.Different,
                $"ours {(ourError is null ? "succeeded" : "failed: " + Clip(ourError))}; reference {(refError is null ? "succeeded" : "failed: " + Clip(refError))}",
                ourError is not null, refError is not null) { Summary = "DIFFERENT: " + (ourError is null ? "only the reference failed" : refError is null ? "only ours failed" : "different errors") };
        }
        var ourTokens = Decode(ourResponse);
        var refTokens = Decode(refResponse);
        var walk = Walk(ourTokens, refTokens);
        if (walk.Structural is not null) return new Verdict(Agreement.Different, walk.Structural, false, false) { Summary = "DIFFERENT tokens (see sessions.json)" };
        var summary = new List<string>();
        if (walk.SpacingDiffering > 0) summary.Add($"{walk.SpacingDiffering} punct spacing");
        if (walk.LayoutDiffering > 0) summary.Add($"{walk.LayoutDiffering} to_string layout");
        if (walk.Differing > 0) summary.Add($"{walk.Differing}/{walk.Compared} from_str spans");
        var notes = new List<string>();
        if (walk.SpacingDiffering > 0)
            notes.Add($"{walk.SpacingDiffering} puncts differ only in spacing (e.g. {walk.SpacingExample}; known divergence: the reference makes a punct Joint before a delimiter or lifetime, rustc and we do not)");
        if (walk.LayoutDiffering > 0)
            notes.Add($"{walk.LayoutDiffering} string literals differ only in whitespace (e.g. {walk.LayoutExample}; known divergence: the macro put `TokenStream::to_string()` in a string, and the reference lays tokens out its own way, we as rustc does)");
        if (walk.Differing > 0)
            notes.Add($"{walk.Differing} of {walk.Compared} spans differ (e.g. {walk.Example})");
        if (notes.Count == 0) notes.Add("equal token trees and spans, different span-table layout");
        return new Verdict(walk.SpacingDiffering + walk.LayoutDiffering > 0 ? Agreement.KnownDivergence : Agreement.SpansDiffer, string.Join("; ", notes), false, false)
        {
            Summary = "same tokens; known divergences: " + (summary.Count == 0 ? "span-table layout" : string.Join(", ", summary)),
        };
    }

    public static string? ErrorOf(Response response) => response switch
    {
        ExpandMacroExtendedResponse r => r.Error,
        ExpandMacroResponse r => r.Error,
        ListMacrosResponse r => r.Error,
        _ => null,
    };

    private static TokenStream Decode(Response response) => response switch
    {
        ExpandMacroExtendedResponse r => r.DecodeTree(),
        ExpandMacroResponse r => r.DecodeTree(),
        _ => throw new InvalidOperationException($"not an expansion response: {response.GetType().Name}"),
    };

    /// <summary>Walks both trees in step; returns the first structural difference, or span statistics.</summary>
    private static (string? Structural, int Compared, int Differing, string? Example, int SpacingDiffering, string? SpacingExample, int LayoutDiffering, string? LayoutExample) Walk(TokenStream ours, TokenStream reference)
    {
        var compared = 0;
        var differing = 0;
        string? example = null;
        var spacing = 0;
        string? spacingExample = null;
        var layout = 0;
        string? layoutExample = null;
        var pending = new Stack<(TokenStream Ours, TokenStream Ref, string Path)>();
        pending.Push((ours, reference, "root"));
        while (pending.Count > 0)
        {
            var (a, b, path) = pending.Pop();
            if (a.Count != b.Count)
                return ($"at {path}: {a.Count} tokens (ours) vs {b.Count} (reference); ours `{Clip(TokenPrinter.Print(a))}`, reference `{Clip(TokenPrinter.Print(b))}`", compared, differing, example, spacing, spacingExample, layout, layoutExample);
            for (var i = 0; i < a.Count; i++)
            {
                var (x, y) = (a[i], b[i]);
                var here = $"{path}[{i}]";
                var kx = Describe(x);
                var ky = Describe(y);
                if (kx != ky && x is Punct px && y is Punct py && px.Char == py.Char)
                {
                    spacing++;
                    spacingExample ??= $"{here}: ours `{kx}`, reference `{ky}`";
                }
                else if (kx != ky && x is Literal lx && y is Literal ly && lx.Kind == ly.Kind && lx.Kind == LiteralKind.Str
                         && WithoutWhitespace(lx.Symbol.Text) == WithoutWhitespace(ly.Symbol.Text))
                {
                    layout++;
                    layoutExample ??= $"{here}: ours `{Clip(kx, 60)}`, reference `{Clip(ky, 60)}`";
                }
                else if (kx != ky)
                {
                    return ($"at {here}: ours `{kx}`, reference `{ky}`", compared, differing, example, spacing, spacingExample, layout, layoutExample);
                }
                if (x is Group gx && y is Group gy)
                {
                    compared += 3;
                    if (gx.Spans.Open != gy.Spans.Open) Note(here + ".open", gx.Spans.Open, gy.Spans.Open);
                    if (gx.Spans.Close != gy.Spans.Close) Note(here + ".close", gx.Spans.Close, gy.Spans.Close);
                    if (gx.Spans.Entire != gy.Spans.Entire) Note(here + ".entire", gx.Spans.Entire, gy.Spans.Entire);
                    pending.Push((gx.Stream, gy.Stream, here));
                }
                else
                {
                    compared++;
                    if (x.Span != y.Span) Note(here + $" `{kx}`", x.Span, y.Span);
                }
            }
        }
        return (null, compared, differing, example, spacing, spacingExample, layout, layoutExample);

        void Note(string where, Span o, Span r)
        {
            differing++;
            example ??= $"{where}: ours {o}, reference {r}";
        }
    }

    private static string Describe(TokenTree tree) => tree switch
    {
        Group g => "group " + g.Delimiter,
        Ident i => (i.IsRaw ? "r#" : "") + i.Name.Text,
        Punct p => p.Char + (p.Spacing == Spacing.Joint ? " (joint)" : ""),
        Literal l => TokenPrinter.LiteralToString(l) + " (" + l.Kind + ")",
        _ => tree.GetType().Name,
    };

    private static string Clip(string text, int max = 160)
    {
        text = text.ReplaceLineEndings(" ");
        return text.Length <= max ? text : text[..max] + "…";
    }

    private static string WithoutWhitespace(string text)
    {
        var b = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            // `\n` escapes inside the literal's symbol count as whitespace too.
            if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] is 'n' or 't')
            {
                i++;
                continue;
            }
            if (!char.IsWhiteSpace(text[i])) b.Append(text[i]);
        }
        return b.ToString();
    }
}
