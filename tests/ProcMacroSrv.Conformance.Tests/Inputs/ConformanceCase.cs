using System.Globalization;
using System.Text;

namespace ProcMacroSrv.Conformance.Tests.Inputs;

/// <summary>How the probe receives an input.</summary>
public enum CaseMode
{
    /// <summary>As the macro's input tokens: <c>probe!(text)</c>, lexed from source by rustc, by the CLI's lexer here.</summary>
    Tokens,

    /// <summary>As a string handed to the server's parsers: <c>probe_str!("text")</c>.</summary>
    Strings,
}

/// <summary>One comparison: an input, how the probe gets it, and where it came from.</summary>
/// <param name="Id">Stable name: <c>&lt;source&gt;/&lt;entry&gt;/tok</c> or <c>…/str</c>.</param>
/// <param name="Mode">How the probe receives <paramref name="Text"/>.</param>
/// <param name="Text">The input text.</param>
public sealed record ConformanceCase(string Id, CaseMode Mode, string Text)
{
    /// <summary>The probe macro's name.</summary>
    public string Macro => Mode == CaseMode.Tokens ? "probe" : "probe_str";

    /// <summary>
    /// The text inside the macro call, the same for rustc and for us: the input itself, or a
    /// string literal of it (with every character outside printable ASCII written as
    /// <c>\u{…}</c>, so that no source normalization or lint can touch it).
    /// </summary>
    public string MacroInput => Mode == CaseMode.Tokens ? Text : StringLiteral(Text);

    /// <summary>The cases of one input in the given modes.</summary>
    public static IEnumerable<ConformanceCase> For(string id, string text, bool tokens, bool strings)
    {
        if (tokens) yield return new ConformanceCase(id + "/tok", CaseMode.Tokens, text);
        if (strings) yield return new ConformanceCase(id + "/str", CaseMode.Strings, text);
    }

    /// <summary>A Rust string literal whose value is <paramref name="value"/>.</summary>
    public static string StringLiteral(string value)
    {
        var sb = new StringBuilder("\"");
        foreach (var rune in value.EnumerateRunes())
        {
            var v = rune.Value;
            if (v == '"' || v == '\\') sb.Append('\\').Append((char)v);
            else if (v is >= 0x20 and < 0x7F) sb.Append((char)v);
            else sb.Append("\\u{").Append(v.ToString("x", CultureInfo.InvariantCulture)).Append('}');
        }
        return sb.Append('"').ToString();
    }
}
