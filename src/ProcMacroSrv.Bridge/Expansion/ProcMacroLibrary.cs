using ProcMacroSrv.Bridge.Abi;
using ProcMacroSrv.Bridge.Native;
using ProcMacroSrv.Bridge.Rpc;
using ProcMacroSrv.Inspection;
using ProcMacroSrv.TokenModel;
using ProcMacroSrv.TokenModel.Printing;

namespace ProcMacroSrv.Bridge.Expansion;

/// <summary>A macro name the dylib does not declare.</summary>
public sealed class UnknownMacroException : Exception
{
    /// <summary>Creates the exception.</summary>
    public UnknownMacroException(string name) : base($"proc-macro `{name}` is missing") => MacroName = name;

    /// <summary>The name asked for.</summary>
    public string MacroName { get; }
}

/// <summary>Loading a dylib failed after inspection passed (the dynamic loader refused it).</summary>
public sealed class DylibLoadException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DylibLoadException(string path, string reason) : base($"{path}: {reason}") => Path = path;

    /// <summary>The dylib.</summary>
    public string Path { get; }
}

/// <summary>
/// A loaded proc-macro dylib: what inspection read, the bridge ABI chosen from its rustc version,
/// and its macros. Expansions run one at a time per process, each on a fresh thread.
/// </summary>
public sealed class ProcMacroLibrary
{
    /// <summary>Stack size of an expansion thread, as rustc and rust-analyzer give macros.</summary>
    public const int ExpansionStackSize = 8 * 1024 * 1024;

    // Environment, working directory and fd 1 are process-wide: one expansion at a time.
    private static readonly Lock ExpansionLock = new();

    private readonly RegisteredMacro[] _registered;

    // to_string prints as the dylib's rustc does.
    private readonly PrintOptions _printOptions;

    private ProcMacroLibrary(DylibInfo info, ResolvedBridgeAbi abi, string loadedFrom, RegisteredMacro[] registered)
    {
        Info = info;
        Abi = abi.Abi;
        AbiOrigin = abi.Origin;
        LoadedFrom = loadedFrom;
        _registered = registered;
        _printOptions = PrintOptions.ForRustc(info.RustcVersion.Major, info.RustcVersion.Minor);
        Macros = registered.Select(r => new ProcMacroDescriptor(r.Name, r.Kind switch
        {
            0 => ProcMacroKind.CustomDerive,
            1 => ProcMacroKind.Attr,
            _ => ProcMacroKind.Bang,
        }, r.Helpers)).ToArray();
    }

    /// <summary>What inspection read from the file.</summary>
    public DylibInfo Info { get; }

    /// <summary>The bridge ABI serving this dylib.</summary>
    public BridgeAbi Abi { get; }

    /// <summary>Where <see cref="Abi"/> came from: <c>built-in</c> or <c>learned from &lt;path&gt;</c> (<see cref="ResolvedBridgeAbi.Origin"/>).</summary>
    public string AbiOrigin { get; }

    /// <summary>The path actually opened (a private copy when the original changed after a first load).</summary>
    public string LoadedFrom { get; }

    /// <summary>The macros, in declaration order.</summary>
    public IReadOnlyList<ProcMacroDescriptor> Macros { get; }

    /// <summary>Inspects, chooses the ABI, then opens the dylib. Nothing is opened when inspection fails.</summary>
    /// <exception cref="DylibInspectionException">The file is not a loadable proc-macro dylib.</exception>
    /// <exception cref="UnknownBridgeAbiException">Its rustc's bridge ABI is neither built in nor learnable from its toolchain's sources.</exception>
    /// <exception cref="DylibLoadException">The dynamic loader refused it.</exception>
    public static ProcMacroLibrary Load(string path) => Load(DylibInspector.Inspect(path), null);

    /// <summary>
    /// True for the exceptions with which <see cref="Load(string)"/> (and the cache's
    /// <c>Get</c>) say that a file cannot be served: not a proc-macro dylib, a bridge ABI this
    /// server cannot serve, or refused by the dynamic loader. Their message names the file and
    /// the reason.
    /// </summary>
    public static bool IsLoadError(Exception e) => e is DylibInspectionException or UnknownBridgeAbiException or DylibLoadException;

    internal static ProcMacroLibrary Load(DylibInfo info, string? openPath) =>
        Load(info, openPath, BridgeAbiCatalog.Resolve(info.RustcVersion));

    /// <summary>Opens the dylib served with <paramref name="abi"/> (tests pass learned tables for versions that have built-in ones).</summary>
    internal static ProcMacroLibrary Load(DylibInfo info, string? openPath, ResolvedBridgeAbi abi)
    {
        var target = openPath ?? info.Path;
        try
        {
            var (_, registered) = DylibLoader.Open(target, info.Registrar.Name);
            return new ProcMacroLibrary(info, abi, target, registered);
        }
        catch (InvalidOperationException e)
        {
            throw new DylibLoadException(info.Path, e.Message);
        }
    }

    /// <summary>
    /// Runs <paramref name="serverLoop"/> on the thread macros run on, so that the expansions it
    /// asks for run on the caller's thread without a hand-over per request. For a server that
    /// expands one request at a time; the loop's exceptions come back unchanged.
    /// </summary>
    public static T HostOnExpansionThread<T>(Func<T> serverLoop) => ExpansionThread.Host(serverLoop);

    /// <summary>Expands one macro. A panic of the macro is a result, not an exception.</summary>
    /// <exception cref="UnknownMacroException">No macro of that name.</exception>
    public ExpansionResult Expand(ExpansionRequest request)
    {
        var index = Array.FindIndex(_registered, r => r.Name == request.MacroName);
        if (index < 0) throw new UnknownMacroException(request.MacroName);
        var entry = _registered[index];

        lock (ExpansionLock)
        {
            using var directory = ProcessEnvironment.Apply(request.Environment, request.CurrentDirectory);
            return ExpansionThread.Run(() => RunClient(entry, request));
        }
    }

    private ExpansionResult RunClient(RegisteredMacro entry, ExpansionRequest request)
    {
        var counters = new HandleCounters(HandleCounters.Locate(entry.ClientWord0, Abi), Abi);
        var store = new HandleStore(counters.Next);
        var server = new TokenServer(request.Spans, _printOptions);
        var interpreter = new BridgeInterpreter(Abi, store, server);

        var input = new RpcWriter();
        TokenStream[] inputs = entry.Kind == 1
            ? [request.Attributes ?? TokenStream.Empty, request.Input]
            : [request.Input];
        interpreter.WriteInput(input, inputs);

        byte[] output;
        using (StdoutDiversion.ToStderr())
        {
            output = BridgeCall.Run(entry.Run, input.Written, interpreter, request.ForceShowPanics);
        }
        var (stream, panic) = interpreter.ReadOutput(output);
        return new ExpansionResult(stream, panic)
        {
            Diagnostics = server.Diagnostics,
            TrackedEnvVars = server.TrackedEnvVars,
            TrackedPaths = server.TrackedPaths,
            BridgeCalls = interpreter.Calls,
            LeakedHandles = store.LiveOwned,
        };
    }
}
