using ProcMacroSrv.TokenModel;
using ProcMacroSrv.TokenModel.Spans;

namespace ProcMacroSrv.Protocol;

/// <summary>The three global spans of an expansion, resolved: what <c>Span::def_site()</c>, <c>call_site()</c> and <c>mixed_site()</c> return.</summary>
/// <param name="DefSite">The definition-site span.</param>
/// <param name="CallSite">The call-site span.</param>
/// <param name="MixedSite">The mixed-site span.</param>
public readonly record struct GlobalSpans(Span DefSite, Span CallSite, Span MixedSite);

/// <summary>
/// The server's view of an <see cref="ExpandMacroRequest"/>: the decoded trees and global spans,
/// and the span state needed to encode the answer (protocol.md sections 2.8 and 3.7).
/// </summary>
public sealed class ExpansionInput
{
    private readonly ISpanWriter _spanWriter;

    private ExpansionInput(SpanMode spanMode, uint apiVersion, SpanDataTable? spanTable, TokenStream body, TokenStream? attributes, GlobalSpans globals)
    {
        SpanMode = spanMode;
        ApiVersion = apiVersion;
        SpanTable = spanTable;
        Body = body;
        Attributes = attributes;
        Globals = globals;
        _spanWriter = spanTable is null ? SpanIds.Instance : spanTable;
    }

    /// <summary>The connection's span mode when the request was decoded.</summary>
    public SpanMode SpanMode { get; }

    /// <summary>The API version of the trees' layout.</summary>
    public uint ApiVersion { get; }

    /// <summary>RustAnalyzer mode: the request's table, deduplicated; the result's new spans are appended to it. Null in Id mode.</summary>
    public SpanDataTable? SpanTable { get; }

    /// <summary>The decoded <c>macro_body</c>.</summary>
    public TokenStream Body { get; }

    /// <summary>The decoded <c>attributes</c>, or null when the request has none.</summary>
    public TokenStream? Attributes { get; }

    /// <summary>The resolved global spans.</summary>
    public GlobalSpans Globals { get; }

    /// <summary>What the spans of this request mean to a macro: opaque ids in Id mode, located spans otherwise.</summary>
    public SpanSemantics Spans() => SpanMode == SpanMode.Id
        ? new OpaqueSpanSemantics(Globals.DefSite, Globals.CallSite, Globals.MixedSite)
        : new LocatedSpanSemantics(Globals.DefSite, Globals.CallSite, Globals.MixedSite);

    /// <summary>
    /// Decodes a request in the given span mode, in the reference's order: span table, global
    /// spans, <c>macro_body</c>, <c>attributes</c>.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="spanMode">The connection's span mode.</param>
    /// <param name="apiVersion">The layout of the trees; a server reporting 6 always reads 6.</param>
    /// <param name="legacyLiteralParser">See <see cref="FlatTree.ToTokenStream"/>.</param>
    /// <exception cref="ProtocolException">The span table, a global span index or a tree is malformed.</exception>
    public static ExpansionInput Decode(ExpandMacroRequest request, SpanMode spanMode, uint apiVersion = Protocol.ApiVersion.Current,
        Func<string, TokenModel.Literal?>? legacyLiteralParser = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var refs = request.HasGlobalSpans ?? default;
        SpanDataTable? table = null;
        ISpanReader reader;
        GlobalSpans globals;
        if (spanMode == SpanMode.RustAnalyzer)
        {
            table = SpanDataTable.FromWire(request.SpanDataTable.Span, apiVersion);
            globals = new GlobalSpans(
                table.GetRequired(refs.DefSite, "def_site"),
                table.GetRequired(refs.CallSite, "call_site"),
                table.GetRequired(refs.MixedSite, "mixed_site"));
            reader = table;
        }
        else
        {
            // Id mode takes the values as span ids; the reference truncates anything above u32.
            globals = new GlobalSpans(Span.Opaque((uint)refs.DefSite), Span.Opaque((uint)refs.CallSite), Span.Opaque((uint)refs.MixedSite));
            reader = SpanIds.Instance;
        }
        var body = request.MacroBody.ToTokenStream(reader, apiVersion, legacyLiteralParser);
        var attributes = request.Attributes?.ToTokenStream(reader, apiVersion, legacyLiteralParser);
        return new ExpansionInput(spanMode, apiVersion, table, body, attributes, globals);
    }

    /// <summary>
    /// The response for a successful expansion: <see cref="ExpandMacroResponse"/> in Id mode,
    /// <see cref="ExpandMacroExtendedResponse"/> with the whole span table in RustAnalyzer mode.
    /// </summary>
    /// <param name="result">The macro's output.</param>
    /// <param name="buffers">Where the arrays of the response's tree and span table come from; the response is then valid until their next <see cref="WireBuffers.Reclaim"/>. Null: new arrays, owned by the response.</param>
    /// <exception cref="ProtocolException">The result has a span the mode cannot express.</exception>
    public Response EncodeResult(TokenStream result, WireBuffers? buffers = null)
    {
        var tree = FlatTree.FromTokenStream(result, Globals.CallSite, _spanWriter, ApiVersion, buffers);
        return SpanTable is null
            ? ExpandMacroResponse.Ok(tree)
            : ExpandMacroExtendedResponse.Ok(tree, SpanTable.ToWire(ApiVersion, buffers));
    }

    /// <summary>The response for a failed expansion, in the variant of the span mode.</summary>
    public Response EncodeError(string message) => SpanTable is null
        ? ExpandMacroResponse.Err(message)
        : ExpandMacroExtendedResponse.Err(message);
}
