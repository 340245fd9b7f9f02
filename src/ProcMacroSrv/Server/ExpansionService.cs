using ProcMacroSrv.Bridge.Abi;
using ProcMacroSrv.Bridge.Expansion;
using ProcMacroSrv.Inspection;
using ProcMacroSrv.Protocol;
using BridgeKind = ProcMacroSrv.Bridge.Expansion.ProcMacroKind;
using WireKind = ProcMacroSrv.Protocol.ProcMacroKind;
using ProtocolMacro = ProcMacroSrv.Protocol.ProcMacroDescriptor;

namespace ProcMacroSrv.Server;

/// <summary>
/// Answers json-legacy requests with the bridge: the glue between the wire messages and
/// <see cref="ProcMacroLibrary"/>. One instance per connection (it holds the span mode).
/// </summary>
internal sealed class ExpansionService : IDisposable
{
    /// <summary>
    /// Environment variable: set to 1 to fail every expansion that leaves owned token handles
    /// alive (<see cref="ExpansionResult.LeakedHandles"/>); a diagnostic for leak tests.
    /// </summary>
    public const string CheckHandlesVariable = "PROC_MACRO_SRV_CHECK_HANDLES";

    private static readonly bool CheckHandles = Environment.GetEnvironmentVariable(CheckHandlesVariable) is "1" or "true";

    private readonly ProcMacroLibraryCache _libraries = new();

    /// <param name="spanMode">The span mode to start in (a connection starts in Id mode).</param>
    public ExpansionService(SpanMode spanMode = SpanMode.Id) => SpanMode = spanMode;

    /// <summary>The connection's span mode; every connection starts in Id mode.</summary>
    public SpanMode SpanMode { get; private set; }

    /// <summary>The answer to <paramref name="request"/>; its trees take their arrays from <paramref name="buffers"/>.</summary>
    public Response Handle(Request request, WireBuffers buffers) => request switch
    {
        ApiVersionCheckRequest => new ApiVersionCheckResponse(ApiVersion.Current),
        SetConfigRequest config => SetConfig(config),
        ListMacrosRequest list => ListMacros(list),
        ExpandMacroRequest expand => ExpandMacro(expand, buffers),
        _ => throw new ProtocolException($"unsupported request {request.GetType().Name}"),
    };

    private SetConfigResponse SetConfig(SetConfigRequest config)
    {
        SpanMode = config.SpanMode;
        return new SetConfigResponse(SpanMode);
    }

    private ListMacrosResponse ListMacros(ListMacrosRequest request)
    {
        if (!TryLoad(request.DylibPath, out var library, out var error)) return ListMacrosResponse.Err(error);
        return ListMacrosResponse.Ok(library.Macros.Select(m => new ProtocolMacro(m.Name, m.Kind switch
        {
            BridgeKind.CustomDerive => WireKind.CustomDerive,
            BridgeKind.Attr => WireKind.Attr,
            _ => WireKind.FuncLike,
        })).ToArray());
    }

    private Response ExpandMacro(ExpandMacroRequest request, WireBuffers buffers)
    {
        // Decoding first: a malformed tree is the request's fault whatever the dylib.
        var input = ExpansionInput.Decode(request, SpanMode);
        // The request's trees and span table are tokens now: their lent arrays can serve the answer.
        buffers.Reclaim();
        if (!TryLoad(request.Lib, out var library, out var error)) return input.EncodeError("failed to load macro: " + error);

        ExpansionResult result;
        try
        {
            result = library.Expand(new ExpansionRequest(request.MacroName, input.Body, input.Spans())
            {
                Attributes = input.Attributes,
                Environment = request.Env,
                CurrentDirectory = request.CurrentDir,
            });
        }
        catch (UnknownMacroException e)
        {
            return input.EncodeError(e.Message);
        }
        if (CheckHandles && result.LeakedHandles != 0)
        {
            var leak = $"proc macro `{request.MacroName}` left {result.LeakedHandles} token handle(s) alive after its expansion ({CheckHandlesVariable})";
            Console.Error.WriteLine($"proc-macro-srv: {leak}");
            return input.EncodeError(leak);
        }
        return result.Output is { } output ? input.EncodeResult(output, buffers) : input.EncodeError(result.PanicMessage ?? string.Empty);
    }

    private bool TryLoad(string path, out ProcMacroLibrary library, out string error)
    {
        try
        {
            library = _libraries.Get(path);
            error = string.Empty;
            return true;
        }
        catch (Exception e) when (ProcMacroLibrary.IsLoadError(e))
        {
            library = null!;
            // The reference's prefix; the reason is ours (it names the file and what is wrong).
            error = $"Cannot create expander for {path}: {Reason(e)}";
            return false;
        }
    }

    private static string Reason(Exception e) => e switch
    {
        DylibInspectionException inspection => inspection.Reason,
        _ => e.Message,
    };

    public void Dispose() => _libraries.Dispose();
}
