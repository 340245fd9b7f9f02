using ProcMacroSrv.TokenModel;
using ProcMacroSrv.TokenModel.Spans;

namespace ProcMacroSrv.Bridge.Expansion;

/// <summary>One macro invocation to expand.</summary>
public sealed class ExpansionRequest
{
    /// <summary>Creates a request.</summary>
    public ExpansionRequest(string macroName, TokenStream input, SpanSemantics spans)
    {
        MacroName = macroName;
        Input = input;
        Spans = spans;
    }

    /// <summary>The derive's trait name, or the macro's function name.</summary>
    public string MacroName { get; }

    /// <summary>The macro's input: the item (derive, attribute) or the tokens between the delimiters (function-like).</summary>
    public TokenStream Input { get; }

    /// <summary>An attribute macro's arguments (empty when absent); ignored for the other kinds.</summary>
    public TokenStream? Attributes { get; init; }

    /// <summary>The global spans and the meaning of span operations.</summary>
    public SpanSemantics Spans { get; }

    /// <summary>Environment variables set (with libc <c>setenv</c>) while the macro runs; later pairs win.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Environment { get; init; } = [];

    /// <summary>The working directory while the macro runs; null leaves it unchanged.</summary>
    public string? CurrentDirectory { get; init; }

    /// <summary>Lets the macro's panic hook print the panic to stderr.</summary>
    public bool ForceShowPanics { get; init; }
}

/// <summary>The outcome of one expansion.</summary>
public sealed class ExpansionResult
{
    internal ExpansionResult(TokenStream? output, string? panicMessage)
    {
        Output = output;
        PanicMessage = panicMessage;
    }

    /// <summary>The expansion; null when the macro panicked.</summary>
    public TokenStream? Output { get; }

    /// <summary>The macro's panic message ("" for a non-string payload); null on success.</summary>
    public string? PanicMessage { get; }

    /// <summary>True when the macro returned a stream.</summary>
    public bool Succeeded => Output is not null;

    /// <summary>Diagnostics the macro emitted.</summary>
    public IReadOnlyList<MacroDiagnostic> Diagnostics { get; init; } = [];

    /// <summary>Environment variables the macro read through <c>proc_macro::tracked::env_var</c>.</summary>
    public IReadOnlyList<(string Name, string? Value)> TrackedEnvVars { get; init; } = [];

    /// <summary>Paths the macro declared through <c>proc_macro::tracked::path</c>.</summary>
    public IReadOnlyList<string> TrackedPaths { get; init; } = [];

    /// <summary>How many bridge calls the macro made.</summary>
    public int BridgeCalls { get; init; }

    /// <summary>Owned handles the client never released (0 for a well-behaved client).</summary>
    public int LeakedHandles { get; init; }
}
