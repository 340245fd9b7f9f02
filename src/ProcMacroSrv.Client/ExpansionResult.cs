using ProcMacroSrv.Protocol;
using ProcMacroSrv.TokenModel;

namespace ProcMacroSrv.Client;

/// <summary>The outcome of an <c>ExpandMacro</c> request: the decoded expansion, or the error text the server sent.</summary>
public sealed class ExpansionResult
{
    internal ExpansionResult(Response response, TokenStream? tokens, FlatTree? tree, SpanDataTable? spanTable, string? error)
    {
        Response = response;
        Tokens = tokens;
        Tree = tree;
        SpanTable = spanTable;
        Error = error;
    }

    /// <summary>True when the macro produced an expansion.</summary>
    public bool IsSuccess => Error is null;

    /// <summary>The expansion, decoded per section 3.6, or null on error.</summary>
    public TokenStream? Tokens { get; }

    /// <summary>The expansion as it came over the wire, or null on error.</summary>
    public FlatTree? Tree { get; }

    /// <summary>RustAnalyzer mode: the returned span table the tree indexes. Null in Id mode or on error.</summary>
    public SpanDataTable? SpanTable { get; }

    /// <summary>The server's error (a panic message, a load failure, a missing macro), or null on success.</summary>
    public string? Error { get; }

    /// <summary>The response message itself: <see cref="ExpandMacroResponse"/> or <see cref="ExpandMacroExtendedResponse"/>.</summary>
    public Response Response { get; }
}
