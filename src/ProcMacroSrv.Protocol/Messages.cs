using ProcMacroSrv.TokenModel;

namespace ProcMacroSrv.Protocol;

/// <summary>
/// A request from client to server (protocol.md section 2.4). The variants are
/// <see cref="ApiVersionCheckRequest"/>, <see cref="SetConfigRequest"/>,
/// <see cref="ListMacrosRequest"/> and <see cref="ExpandMacroRequest"/>.
/// </summary>
public abstract record Request
{
    private protected Request() { }
}

/// <summary><c>{"ApiVersionCheck":{}}</c>: asks for the server's API version.</summary>
public sealed record ApiVersionCheckRequest : Request
{
    /// <summary>The only value; the request has no fields.</summary>
    public static readonly ApiVersionCheckRequest Instance = new();
}

/// <summary><c>{"SetConfig":{"span_mode":…}}</c>: selects the span mode for later expansions.</summary>
/// <param name="SpanMode">The span mode; <see cref="SpanMode.Id"/> when the field is missing.</param>
public sealed record SetConfigRequest(SpanMode SpanMode) : Request;

/// <summary><c>{"ListMacros":{"dylib_path":…}}</c>: lists the macros of a proc-macro dylib.</summary>
/// <param name="DylibPath">The path of the dylib, as the client sends it.</param>
public sealed record ListMacrosRequest(string DylibPath) : Request;

/// <summary>
/// The three global span references of an expansion (<c>has_global_spans</c>): raw span ids in Id
/// mode, indices into <c>span_data_table</c> in RustAnalyzer mode. Read as u64, as the wire
/// allows (<c>usize</c>).
/// </summary>
/// <param name="DefSite">The reference for <c>Span::def_site()</c>.</param>
/// <param name="CallSite">The reference for <c>Span::call_site()</c>.</param>
/// <param name="MixedSite">The reference for <c>Span::mixed_site()</c>.</param>
public readonly record struct GlobalSpanRefs(ulong DefSite, ulong CallSite, ulong MixedSite);

/// <summary>
/// <c>{"ExpandMacro":{…}}</c>: expands one macro. The fields are the wire fields, in wire order;
/// <see cref="ExpansionInput"/> decodes them (server side) and <see cref="Encode"/> builds them
/// (client side).
/// </summary>
public sealed record ExpandMacroRequest : Request
{
    /// <summary>
    /// Builds a request as rust-analyzer does. In RustAnalyzer mode the span table starts with
    /// def_site, call_site and mixed_site (deduplicated), then the spans of
    /// <paramref name="body"/> and then those of <paramref name="attributes"/> in wire order;
    /// both trees share it. In Id mode every span must be opaque (<see cref="Span.Opaque"/>).
    /// </summary>
    /// <param name="lib">Path of the proc-macro dylib.</param>
    /// <param name="macroName">The macro's function name, or its trait name for a derive.</param>
    /// <param name="body">The input as a root group; rust-analyzer uses <see cref="Delimiter.None"/>.</param>
    /// <param name="attributes">The attribute arguments of an attribute macro, or null.</param>
    /// <param name="globals">def_site, call_site and mixed_site.</param>
    /// <param name="spanMode">The span mode of the connection.</param>
    /// <param name="env">Environment variables for the macro, or null for none.</param>
    /// <param name="currentDir">Working directory for the macro, or null.</param>
    /// <param name="apiVersion">The server's API version, which decides the layout.</param>
    /// <exception cref="ArgumentException">RustAnalyzer mode was asked for below API version 4.</exception>
    /// <exception cref="ProtocolException">A span cannot be expressed in the span mode.</exception>
    public static ExpandMacroRequest Encode(string lib, string macroName, Group body, Group? attributes, GlobalSpans globals,
        SpanMode spanMode, IReadOnlyList<KeyValuePair<string, string>>? env = null, string? currentDir = null,
        uint apiVersion = ApiVersion.Current)
    {
        ArgumentNullException.ThrowIfNull(lib);
        ArgumentNullException.ThrowIfNull(macroName);
        ArgumentNullException.ThrowIfNull(body);
        ApiVersion.EnsureSupported(apiVersion);
        if (spanMode == SpanMode.RustAnalyzer && apiVersion < ApiVersion.RustAnalyzerSpanSupport)
            throw new ArgumentException($"RustAnalyzer span mode needs API version {ApiVersion.RustAnalyzerSpanSupport}, not {apiVersion}", nameof(spanMode));

        SpanDataTable? table = spanMode == SpanMode.RustAnalyzer ? new SpanDataTable() : null;
        ISpanWriter writer = table is null ? SpanIds.Instance : table;
        var refs = new GlobalSpanRefs(writer.Write(globals.DefSite), writer.Write(globals.CallSite), writer.Write(globals.MixedSite));
        var bodyTree = FlatTree.FromGroup(body, writer, apiVersion);
        var attributesTree = attributes is null ? null : FlatTree.FromGroup(attributes, writer, apiVersion);
        return new ExpandMacroRequest
        {
            Lib = lib,
            Env = env ?? [],
            CurrentDir = currentDir,
            MacroBody = bodyTree,
            MacroName = macroName,
            Attributes = attributesTree,
            HasGlobalSpans = apiVersion >= ApiVersion.HasGlobalSpans ? refs : null,
            SpanDataTable = table?.ToWire(apiVersion) ?? ReadOnlyMemory<uint>.Empty,
        };
    }

    /// <summary>Path of the proc-macro dylib.</summary>
    public required string Lib { get; init; }

    /// <summary>Environment variables to set while the macro runs, in order (a later duplicate wins).</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Env { get; init; }

    /// <summary>Working directory while the macro runs, or null to leave it unchanged.</summary>
    public string? CurrentDir { get; init; }

    /// <summary>The input tree.</summary>
    public required FlatTree MacroBody { get; init; }

    /// <summary>The macro's function name, or its trait name for a derive.</summary>
    public required string MacroName { get; init; }

    /// <summary>The attribute arguments of an attribute macro, or null.</summary>
    public FlatTree? Attributes { get; init; }

    /// <summary>
    /// The global spans, or null when the field is absent (clients of API version &lt; 3 leave it
    /// out; a server then uses 0 for all three). Null is written by leaving the field out.
    /// </summary>
    public GlobalSpanRefs? HasGlobalSpans { get; init; }

    /// <summary>
    /// The RustAnalyzer-mode span table, 5 u32 per span. Empty (the default) is written by leaving
    /// the field out. A request read with <see cref="WireBuffers"/> views lent numbers.
    /// </summary>
    public ReadOnlyMemory<uint> SpanDataTable { get; init; }
}

/// <summary>
/// A response from server to client (protocol.md section 2.5). The variants are
/// <see cref="ApiVersionCheckResponse"/>, <see cref="SetConfigResponse"/>,
/// <see cref="ListMacrosResponse"/>, <see cref="ExpandMacroResponse"/> and
/// <see cref="ExpandMacroExtendedResponse"/>.
/// </summary>
public abstract record Response
{
    private protected Response() { }
}

/// <summary><c>{"ApiVersionCheck":6}</c>: the server's API version.</summary>
/// <param name="Version">The API version.</param>
public sealed record ApiVersionCheckResponse(uint Version) : Response;

/// <summary><c>{"SetConfig":{"span_mode":…}}</c>: echoes the configuration that was applied.</summary>
/// <param name="SpanMode">The span mode now in effect.</param>
public sealed record SetConfigResponse(SpanMode SpanMode) : Response;

/// <summary><c>{"ListMacros":{"Ok":[[name,kind],…]}}</c> or <c>{"ListMacros":{"Err":…}}</c>.</summary>
public sealed record ListMacrosResponse : Response
{
    private ListMacrosResponse(IReadOnlyList<ProcMacroDescriptor>? macros, string? error)
    {
        Macros = macros;
        Error = error;
    }

    /// <summary>The macros in the dylib's declaration order, or null for an error.</summary>
    public IReadOnlyList<ProcMacroDescriptor>? Macros { get; }

    /// <summary>The error message, or null on success.</summary>
    public string? Error { get; }

    /// <summary>A successful listing.</summary>
    public static ListMacrosResponse Ok(IReadOnlyList<ProcMacroDescriptor> macros) =>
        new(macros ?? throw new ArgumentNullException(nameof(macros)), null);

    /// <summary>A failed listing.</summary>
    public static ListMacrosResponse Err(string error) =>
        new(null, error ?? throw new ArgumentNullException(nameof(error)));
}

/// <summary>
/// <c>{"ExpandMacro":{"Ok":tree}}</c> or <c>{"ExpandMacro":{"Err":message}}</c>: the result of an
/// expansion on a connection in Id mode.
/// </summary>
public sealed record ExpandMacroResponse : Response
{
    private ExpandMacroResponse(FlatTree? tree, string? error)
    {
        Tree = tree;
        Error = error;
    }

    /// <summary>The expansion, or null for an error.</summary>
    public FlatTree? Tree { get; }

    /// <summary>The panic message, or null on success.</summary>
    public string? Error { get; }

    /// <summary>A successful expansion.</summary>
    public static ExpandMacroResponse Ok(FlatTree tree) => new(tree ?? throw new ArgumentNullException(nameof(tree)), null);

    /// <summary>A failed expansion.</summary>
    public static ExpandMacroResponse Err(string error) => new(null, error ?? throw new ArgumentNullException(nameof(error)));

    /// <summary>Decodes <see cref="Tree"/> as a client does, with Id-mode spans.</summary>
    /// <param name="apiVersion">The server's API version.</param>
    /// <exception cref="InvalidOperationException">The response is an error.</exception>
    /// <exception cref="ProtocolException">The tree is malformed.</exception>
    public TokenStream DecodeTree(uint apiVersion = ApiVersion.Current) =>
        (Tree ?? throw new InvalidOperationException("the expansion failed: " + Error)).ToTokenStream(SpanIds.Instance, apiVersion);
}

/// <summary>
/// <c>{"ExpandMacroExtended":{"Ok":{"tree":…,"span_data_table":[…]}}}</c> or
/// <c>{"ExpandMacroExtended":{"Err":message}}</c>: the result of an expansion on a connection in
/// RustAnalyzer mode. Every span reference in the tree indexes the returned table.
/// </summary>
public sealed record ExpandMacroExtendedResponse : Response
{
    private ExpandMacroExtendedResponse(FlatTree? tree, ReadOnlyMemory<uint> spanDataTable, string? error)
    {
        Tree = tree;
        SpanDataTable = spanDataTable;
        Error = error;
    }

    /// <summary>The expansion, or null for an error.</summary>
    public FlatTree? Tree { get; }

    /// <summary>The span table for <see cref="Tree"/>, 5 u32 per span; empty for an error.</summary>
    public ReadOnlyMemory<uint> SpanDataTable { get; }

    /// <summary>The panic message, or null on success.</summary>
    public string? Error { get; }

    /// <summary>A successful expansion.</summary>
    public static ExpandMacroExtendedResponse Ok(FlatTree tree, ReadOnlyMemory<uint> spanDataTable) =>
        new(tree ?? throw new ArgumentNullException(nameof(tree)), spanDataTable, null);

    /// <summary>A failed expansion.</summary>
    public static ExpandMacroExtendedResponse Err(string error) => new(null, ReadOnlyMemory<uint>.Empty, error ?? throw new ArgumentNullException(nameof(error)));

    /// <summary>Decodes <see cref="Tree"/> against <see cref="SpanDataTable"/>, as a client does.</summary>
    /// <param name="apiVersion">The server's API version.</param>
    /// <exception cref="InvalidOperationException">The response is an error.</exception>
    /// <exception cref="ProtocolException">The tree or the table is malformed.</exception>
    public TokenStream DecodeTree(uint apiVersion = ApiVersion.Current)
    {
        if (Tree is null) throw new InvalidOperationException("the expansion failed: " + Error);
        return Tree.ToTokenStream(Protocol.SpanDataTable.FromWire(SpanDataTable.Span, apiVersion), apiVersion);
    }
}
