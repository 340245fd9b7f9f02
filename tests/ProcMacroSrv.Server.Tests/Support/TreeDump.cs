using System.Text;
using ProcMacroSrv.Protocol;
using ProcMacroSrv.Protocol.Json;
using ProcMacroSrv.TokenModel;

namespace ProcMacroSrv.Server.Tests.Support;

/// <summary>Human-readable forms of responses, for failure messages.</summary>
internal static class TreeDump
{
    /// <summary>
    /// One line per token of an expansion response (depth-indented, with resolved spans named
    /// after the global spans where they are one), or the error; null if the line is not an
    /// expansion response.
    /// </summary>
    public static List<string>? Lines(byte[] responseLine, GlobalSpans? globals)
    {
        Response response;
        try
        {
            response = JsonLegacyReader.ReadResponse(responseLine);
        }
        catch (ProtocolException e)
        {
            return [$"<unreadable response: {e.Message}>"];
        }
        Group root;
        try
        {
            switch (response)
            {
                case ExpandMacroResponse { Tree: { } tree }:
                    root = tree.ToGroup(SpanIds.Instance);
                    break;
                case ExpandMacroExtendedResponse { Tree: { } tree } extended:
                    root = tree.ToGroup(SpanDataTable.FromWire(extended.SpanDataTable.Span));
                    break;
                case ExpandMacroResponse { Error: { } error }:
                    return [$"Err {error}"];
                case ExpandMacroExtendedResponse { Error: { } error }:
                    return [$"Err {error}"];
                default:
                    return null;
            }
        }
        catch (ProtocolException e)
        {
            return [$"<undecodable tree: {e.Message}>"];
        }
        var lines = new List<string>();
        Walk(root, 0, lines, globals);
        return lines;
    }

    private static void Walk(Group group, int depth, List<string> lines, GlobalSpans? globals)
    {
        var indent = new string(' ', depth * 2);
        lines.Add($"{indent}group {group.Delimiter} open={Name(group.Spans.Open, globals)} close={Name(group.Spans.Close, globals)}");
        foreach (var tree in group.Stream)
        {
            switch (tree)
            {
                case Group g:
                    Walk(g, depth + 1, lines, globals);
                    break;
                case Ident i:
                    lines.Add($"{indent}  ident {(i.IsRaw ? "r#" : "")}{i.Name.Text} {Name(i.Span, globals)}");
                    break;
                case Punct p:
                    lines.Add($"{indent}  punct {p.Char} {p.Spacing} {Name(p.Span, globals)}");
                    break;
                case Literal l:
                    lines.Add($"{indent}  literal {l.Kind}{(l.Hashes > 0 ? $"({l.Hashes})" : "")} symbol={Quote(l.Symbol.Text)} suffix={(l.Suffix is { } s ? Quote(s.Text) : "-")} {Name(l.Span, globals)}");
                    break;
            }
        }
    }

    private static string Quote(string text) => "`" + text + "`";

    /// <summary>A span, named when it is a global span.</summary>
    public static string Name(Span span, GlobalSpans? globals)
    {
        if (globals is { } g)
        {
            if (span == g.CallSite) return "call_site";
            if (span == g.DefSite) return "def_site";
            if (span == g.MixedSite) return "mixed_site";
        }
        return span.ToString();
    }

    /// <summary>
    /// A failure message: both lines around their first difference and, for expansions, the
    /// first differing tokens.
    /// </summary>
    public static string Explain(string what, byte[] ours, byte[] reference, GlobalSpans? globals, byte[]? normalizedReference = null)
    {
        var shown = normalizedReference ?? reference;
        var text = new StringBuilder();
        text.AppendLine($"{what}: our response differs from the reference's{(normalizedReference is null ? "" : " (after normalising the declared divergences)")}.");
        var at = FirstDifference(ours, shown);
        text.AppendLine($"first difference at byte {at} (ours {ours.Length} bytes, reference {shown.Length} bytes)");
        text.AppendLine("ours:      " + Around(ours, at));
        text.AppendLine("reference: " + Around(shown, at));
        var ourLines = Lines(ours, globals);
        var refLines = Lines(shown, globals);
        if (ourLines is not null && refLines is not null)
        {
            var i = 0;
            while (i < ourLines.Count && i < refLines.Count && ourLines[i] == refLines[i]) i++;
            text.AppendLine($"decoded, from token line {i}:");
            for (var k = Math.Max(0, i - 3); k < Math.Min(Math.Max(ourLines.Count, refLines.Count), i + 12); k++)
            {
                var o = k < ourLines.Count ? ourLines[k] : "<end>";
                var r = k < refLines.Count ? refLines[k] : "<end>";
                text.AppendLine(o == r ? $"    = {o}" : $"  ours {o}\n   ref {r}");
            }
        }
        if (normalizedReference is not null) text.AppendLine("reference as sent: " + Truncate(Encoding.UTF8.GetString(reference), 2000));
        return text.ToString();
    }

    private static int FirstDifference(byte[] a, byte[] b)
    {
        var n = Math.Min(a.Length, b.Length);
        for (var i = 0; i < n; i++)
            if (a[i] != b[i]) return i;
        return n;
    }

    private static string Around(byte[] line, int at)
    {
        var start = Math.Max(0, at - 120);
        var end = Math.Min(line.Length, at + 120);
        return (start > 0 ? "…" : "") + Encoding.UTF8.GetString(line, start, end - start) + (end < line.Length ? "…" : "");
    }

    public static string Truncate(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}
