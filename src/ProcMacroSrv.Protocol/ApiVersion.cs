namespace ProcMacroSrv.Protocol;

/// <summary>
/// The proc-macro API versions (protocol.md section 2.3). The server reports one number; the
/// client then encodes every FlatTree with that version's layout.
/// </summary>
public static class ApiVersion
{
    /// <summary>Only <c>ListMacros</c> and <c>ExpandMacro</c> exist.</summary>
    public const uint NoVersionCheck = 0;

    /// <summary>Adds the <c>ApiVersionCheck</c> request.</summary>
    public const uint VersionCheck = 1;

    /// <summary>Subtree records gain a close-delimiter span (5 u32 instead of 4).</summary>
    public const uint EncodeCloseSpan = 2;

    /// <summary><c>ExpandMacro</c> carries <c>has_global_spans</c>.</summary>
    public const uint HasGlobalSpans = 3;

    /// <summary>Adds <c>SetConfig</c>, the RustAnalyzer span mode, <c>span_data_table</c> and <c>ExpandMacroExtended</c>.</summary>
    public const uint RustAnalyzerSpanSupport = 4;

    /// <summary>Literal records carry kind and suffix; ident records carry an is-raw flag.</summary>
    public const uint ExtendedLeafData = 5;

    /// <summary>New AST-id bit layout; the fixup anchor becomes 0.</summary>
    public const uint HashedAstId = 6;

    /// <summary>The version this implementation speaks natively and a server reports.</summary>
    public const uint Current = HashedAstId;

    /// <summary>Throws unless <paramref name="version"/> is a version whose layout is known.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The version is above <see cref="Current"/>.</exception>
    public static void EnsureSupported(uint version)
    {
        if (version > Current)
            throw new ArgumentOutOfRangeException(nameof(version), version, $"API version {version} is newer than the supported version {Current}");
    }
}

/// <summary>How span references in a FlatTree are interpreted (protocol.md section 2.7).</summary>
public enum SpanMode
{
    /// <summary>Each span is an opaque u32 id chosen by the client. The default of every connection.</summary>
    Id = 0,

    /// <summary>Each span is an index into a <see cref="SpanDataTable"/> of real spans.</summary>
    RustAnalyzer = 1,
}

/// <summary>The kind of a procedural macro, as <c>ListMacros</c> reports it.</summary>
public enum ProcMacroKind
{
    /// <summary><c>#[proc_macro_derive]</c>, listed under its trait name. Wire name <c>"CustomDerive"</c>.</summary>
    CustomDerive = 0,

    /// <summary><c>#[proc_macro_attribute]</c>. Wire name <c>"Attr"</c>.</summary>
    Attr = 1,

    /// <summary><c>#[proc_macro]</c> (fn-like). Wire name <c>"FuncLike"</c>; <c>"Bang"</c> is accepted when reading.</summary>
    FuncLike = 2,
}

/// <summary>A macro exported by a proc-macro dylib.</summary>
/// <param name="Name">The function name, or the trait name for a derive.</param>
/// <param name="Kind">The macro kind.</param>
public readonly record struct ProcMacroDescriptor(string Name, ProcMacroKind Kind);
