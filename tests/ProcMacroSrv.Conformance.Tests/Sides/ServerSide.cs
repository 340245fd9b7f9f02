using ProcMacroSrv.Bridge.Expansion;
using ProcMacroSrv.Cli;
using ProcMacroSrv.Conformance.Tests.Inputs;
using ProcMacroSrv.TokenModel;
using ProcMacroSrv.TokenModel.Literals;

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
    public static string Unescape(string symbol) =>
        LiteralEscapes.StringValue(symbol) ?? throw new FormatException($"the probe's report is not a valid string literal: {symbol}");
}
