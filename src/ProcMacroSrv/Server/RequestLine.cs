using System.Text;
using ProcMacroSrv.Protocol;

namespace ProcMacroSrv.Server;

/// <summary>Facts read from a raw request line without decoding it, for answering errors in the right variant.</summary>
internal static class RequestLine
{
    /// <summary>The request's variant (the first key of the object), or null when it cannot be read.</summary>
    public static string? VariantName(ReadOnlySpan<byte> line) =>
        TryFindVariant(line, out var name) ? Encoding.UTF8.GetString(name) : null;

    /// <summary>True when the request's variant is <paramref name="name"/> (without decoding it into a string).</summary>
    public static bool IsVariant(ReadOnlySpan<byte> line, ReadOnlySpan<byte> name) =>
        TryFindVariant(line, out var variant) && variant.SequenceEqual(name);

    private static bool TryFindVariant(ReadOnlySpan<byte> line, out ReadOnlySpan<byte> name)
    {
        name = default;
        var open = line.IndexOf((byte)'"');
        if (open < 0) return false;
        var close = line[(open + 1)..].IndexOf((byte)'"');
        if (close < 0 || close > 32) return false;
        name = line.Slice(open + 1, close);
        return true;
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
