using System.Globalization;
using System.Text;
using ProcMacroSrv.Bridge.Expansion;
using ProcMacroSrv.Cli;
using ProcMacroSrv.Conformance.Tests.Inputs;
using ProcMacroSrv.TokenModel;

namespace ProcMacroSrv.Conformance.Tests.Sides;

/// <summary>
/// Our answers: the same probe dylib expanded by our server on the same text, through the
/// CLI's path (<see cref="SourceTextInput"/>: the text lexed with real byte-offset spans, the
/// spans answered from the text). The probe's string literal is the report.
/// </summary>
public static class ServerSide
{
    /// <summary>The report of one case; problems on our side are reports too (they differ from rustc's).</summary>
    public static string Report(ProcMacroLibrary library, ConformanceCase c)
    {
        var errors = new List<string>();
        var source = SourceTextInput.TryLex(c.MacroInput, null, null, errors.Add);
        if (source is null) return "<our lexer rejects the input>\n" + string.Join('\n', errors);
        var result = library.Expand(source.Request(c.Macro));
        if (!result.Succeeded) return "<the probe panicked: " + result.PanicMessage + ">";
        var trees = result.Output!.AsSpan();
        if (trees.Length != 1 || trees[0] is not Literal { Kind: LiteralKind.Str } literal)
            return "<the probe returned something else than a string>";
        return Unescape(literal.Symbol.Text);
    }

    /// <summary>The value of a string literal's symbol (its escapes decoded).</summary>
    public static string Unescape(string symbol)
    {
        var sb = new StringBuilder(symbol.Length);
        for (var i = 0; i < symbol.Length; i++)
        {
            if (symbol[i] != '\\')
            {
                sb.Append(symbol[i]);
                continue;
            }
            var c = symbol[++i];
            switch (c)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case '0': sb.Append('\0'); break;
                case '\\': sb.Append('\\'); break;
                case '\'': sb.Append('\''); break;
                case '"': sb.Append('"'); break;
                case 'x':
                    sb.Append((char)int.Parse(symbol.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += 2;
                    break;
                case 'u':
                    var close = symbol.IndexOf('}', i);
                    sb.Append(char.ConvertFromUtf32(int.Parse(symbol.AsSpan(i + 2, close - i - 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
                    i = close;
                    break;
                case '\n':
                    while (i + 1 < symbol.Length && symbol[i + 1] is ' ' or '\t' or '\n' or '\r') i++;
                    break;
                default: throw new FormatException($"unknown escape \\{c} in the probe's report");
            }
        }
        return sb.ToString();
    }
}
