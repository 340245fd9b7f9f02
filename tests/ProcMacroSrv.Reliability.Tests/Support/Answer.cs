using ProcMacroSrv.Protocol;
using ProcMacroSrv.TokenModel.Printing;

namespace ProcMacroSrv.Reliability.Tests.Support;

/// <summary>A response, reduced to what the tests look at: its variant, and its error or printed expansion.</summary>
internal sealed record Answer(string Variant, bool IsOk, string? Error, string? Text, Response Response)
{
    public static Answer Of(Response response) => response switch
    {
        ExpandMacroResponse { Tree: not null } r => new("ExpandMacro", true, null, TokenPrinter.Print(r.DecodeTree()), r),
        ExpandMacroResponse r => new("ExpandMacro", false, r.Error, null, r),
        ExpandMacroExtendedResponse { Tree: not null } r => new("ExpandMacroExtended", true, null, TokenPrinter.Print(r.DecodeTree()), r),
        ExpandMacroExtendedResponse r => new("ExpandMacroExtended", false, r.Error, null, r),
        ListMacrosResponse { Macros: not null } r => new("ListMacros", true, null, string.Join(", ", r.Macros.Select(m => $"{m.Name}:{m.Kind}")), r),
        ListMacrosResponse r => new("ListMacros", false, r.Error, null, r),
        ApiVersionCheckResponse r => new("ApiVersionCheck", true, null, r.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), r),
        SetConfigResponse r => new("SetConfig", true, null, r.SpanMode.ToString(), r),
        _ => throw new InvalidOperationException($"unknown response {response}"),
    };

    /// <summary>The error variant an expansion error must come in on a connection in <paramref name="mode"/>.</summary>
    public static string ExpandVariant(SpanMode mode) => mode == SpanMode.Id ? "ExpandMacro" : "ExpandMacroExtended";

    /// <summary>For the report: the error text, or what the success was.</summary>
    public string Summary => IsOk ? $"{Variant} Ok: {Text}" : $"{Variant} Err: {Error}";

    public override string ToString() => Summary;
}
