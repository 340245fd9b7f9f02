using System.Text;
using ProcMacroSrv.Protocol;

namespace ProcMacroSrv.Server;

/// <summary>Facts read from a raw request line without decoding it, for answering errors in the right variant.</summary>
internal static class RequestLine
{
    /// <summary>The request's variant (the first key of the object), or null when it cannot be read.</summary>
    public static string? VariantName(ReadOnlySpan<byte> line)
    {
        var open = line.IndexOf((byte)'"');
        if (open < 0) return null;
        var close = line[(open + 1)..].IndexOf((byte)'"');
        if (close < 0 || close > 32) return null;
        return Encoding.UTF8.GetString(line.Slice(open + 1, close));
    }

    /// <summary>
    /// An error response for a request that could not be answered normally: in the variant the
    /// client waits for when the request's variant is known, else ExpandMacro's (the request most
    /// likely to be large and malformed).
    /// </summary>
    public static Response Error(string? variantName, SpanMode spanMode, string message) => variantName switch
    {
        "ListMacros" => ListMacrosResponse.Err(message),
        _ when spanMode == SpanMode.RustAnalyzer => ExpandMacroExtendedResponse.Err(message),
        _ => ExpandMacroResponse.Err(message),
    };
}
