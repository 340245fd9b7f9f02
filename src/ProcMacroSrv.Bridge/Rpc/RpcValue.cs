using ProcMacroSrv.TokenModel;

namespace ProcMacroSrv.Bridge.Rpc;

/// <summary>
/// One decoded argument or result of a bridge method. A small union so that scalars and spans
/// travel without boxing: which fields are meaningful follows from the method's wire type.
/// </summary>
internal struct RpcValue
{
    /// <summary>Integers, bools, bytes, chars, enum tags, range start, bound value.</summary>
    public long Scalar;

    /// <summary>Range end, bound kind.</summary>
    public long Scalar2;

    /// <summary>Strings, streams, trees, literals, diagnostics, arrays; or an Err payload.</summary>
    public object? Ref;

    /// <summary>A span value.</summary>
    public Span Span;

    /// <summary>Option: Some. Result: Ok.</summary>
    public bool Present;

    public static RpcValue None => new() { Present = false };

    public static RpcValue Some(RpcValue inner)
    {
        inner.Present = true;
        return inner;
    }

    public static RpcValue Of(long scalar) => new() { Scalar = scalar, Present = true };

    public static RpcValue Of(bool value) => new() { Scalar = value ? 1 : 0, Present = true };

    public static RpcValue Of(object? reference) => new() { Ref = reference, Present = true };

    public static RpcValue Of(Span span) => new() { Span = span, Present = true };

    public static RpcValue OfRange(ulong start, ulong end) => new() { Scalar = (long)start, Scalar2 = (long)end, Present = true };

    /// <summary>A Result's Err with its payload (a string, or null for <c>()</c>).</summary>
    public static RpcValue Err(object? payload) => new() { Ref = payload, Present = false };

    public readonly string String => (string)Ref!;

    public readonly TokenStream Stream => (TokenStream)Ref!;
}
