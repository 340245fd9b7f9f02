using System.Globalization;
using System.IO.Pipes;
using Microsoft.Win32.SafeHandles;
using ProcMacroSrv.Bridge.Expansion;
using ProcMacroSrv.Protocol;
using ProcMacroSrv.Server.Isolation;

namespace ProcMacroSrv.Server;

/// <summary>
/// The process model of <c>rust-analyzer-proc-macro-srv</c>, which rust-analyzer relies on: the
/// environment gate, <c>--format</c> and <c>--version</c>, and serving on stdin/stdout.
/// </summary>
internal static class ServerCommandLine
{
    public const string GateVariable = "RUST_ANALYZER_INTERNALS_DO_NOT_USE";
    public const string JsonLegacy = "json-legacy";
    public const string Postcard = "bidirectional-postcard-prototype";

    /// <summary>Environment variable: how long a request may run before its answer begins, in seconds (default <see cref="DefaultTimeoutSeconds"/>).</summary>
    public const string TimeoutVariable = "PROC_MACRO_SRV_TIMEOUT";

    /// <summary>Environment variable: set to 1 to run macros in the server process itself.</summary>
    public const string InProcessVariable = "PROC_MACRO_SRV_IN_PROCESS";

    /// <summary>Environment variable: the most resident memory an expansion worker may use, in MiB (default <see cref="DefaultMemoryLimitMiB"/>).</summary>
    public const string MemoryLimitVariable = "PROC_MACRO_SRV_MEMORY_LIMIT_MB";

    /// <summary>The default worker memory limit: far above any real macro, below taking the machine down.</summary>
    public const long DefaultMemoryLimitMiB = 4096;

    /// <summary>The default time limit (until an answer begins): generous, since a cold derive on a huge item can take seconds.</summary>
    public const double DefaultTimeoutSeconds = 60;

    /// <summary>
    /// True when the arguments are for the server: none, or <c>--format</c>, <c>--version</c> or <c>--</c> first.
    /// As rust-analyzer runs it (the gate variable set), every first argument that looks like an
    /// option is the server's too, so that <c>--help</c>, <c>-V</c> and the like get the reference's
    /// errors; without the gate they reach the human command line.
    /// </summary>
    public static bool IsServerInvocation(string[] args) =>
        args.Length == 0
        || args[0] is "--version" or "--format" or "--"
        || args[0].StartsWith("--format=", StringComparison.Ordinal)
        || args[0].StartsWith("--version=", StringComparison.Ordinal)
        || (args[0].StartsWith('-') && Environment.GetEnvironmentVariable(GateVariable) is not null);

    /// <summary>Runs as rust-analyzer starts the reference server: the gate first, then the arguments.</summary>
    public static int RunGated(string[] args)
    {
        if (Environment.GetEnvironmentVariable(GateVariable) is null)
        {
            Console.Error.WriteLine($"This is an IDE implementation detail, you can use this tool by exporting {GateVariable}.");
            Console.Error.WriteLine("Note that this tool's API is highly unstable and may break without prior notice");
            return 122;
        }
        return Run(args);
    }

    /// <summary>
    /// Parses the reference's arguments and serves (or prints the version). Our own options
    /// (<c>--in-process</c>, <c>--timeout SECONDS</c>) are accepted only after <c>serve</c>;
    /// rust-analyzer passes none, so the environment variables configure a server it starts.
    /// </summary>
    public static int Run(string[] args, bool acceptOwnOptions = false)
    {
        var format = JsonLegacy;
        var version = false;
        var inProcess = Environment.GetEnvironmentVariable(InProcessVariable) is "1" or "true";
        var timeout = DefaultTimeoutSeconds;
        if (Environment.GetEnvironmentVariable(TimeoutVariable) is { } fromEnv && !TryParseSeconds(fromEnv, out timeout))
        {
            return Usage($"{TimeoutVariable} must be a positive number of seconds, got `{fromEnv}`");
        }
        var memoryLimitMiB = DefaultMemoryLimitMiB;
        if (Environment.GetEnvironmentVariable(MemoryLimitVariable) is { } memoryFromEnv &&
            (!long.TryParse(memoryFromEnv, NumberStyles.None, CultureInfo.InvariantCulture, out memoryLimitMiB) || memoryLimitMiB <= 0))
        {
            return Usage($"{MemoryLimitVariable} must be a positive number of MiB, got `{memoryFromEnv}`");
        }
        var parsed = ServerArguments.Parse(args, acceptOwnOptions, text => TryParseSeconds(text, out var seconds) ? seconds : null, out var error);
        if (parsed is null) return Usage(error!);
        format = parsed.Format ?? format;
        version = parsed.Version;
        inProcess |= parsed.InProcess;
        timeout = parsed.TimeoutSeconds ?? timeout;
        if (version)
        {
            Console.Out.WriteLine($"rust-analyzer-proc-macro-srv {typeof(ServerCommandLine).Assembly.GetName().Version?.ToString(3) ?? "0.0.0"}");
            return 0;
        }
        if (format == Postcard)
        {
            Console.Error.WriteLine($"error: the {Postcard} format is not supported yet; use --format {JsonLegacy}");
            return 2;
        }
        return Serve(inProcess, TimeSpan.FromSeconds(timeout), memoryLimitMiB << 20);
    }

    private static bool TryParseSeconds(string text, out double seconds) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out seconds) && seconds > 0 && seconds < 1e6;

    private static int Usage(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return 2;
    }

    private static int Serve(bool inProcess, TimeSpan timeout, long memoryLimit)
    {
        if (inProcess) return ServeInProcess(SpanMode.Id, reporter: null);
        // The supervisor runs no macro, so fd 1 stays the client's stdout: its workers inherit it
        // and write their answers there themselves. A FileStream, not Console's stream, which
        // takes a closed pipe for success: a gone client must end the server.
        const int clientStdout = 1;
        using var stdout = new FileStream(new SafeFileHandle(clientStdout, ownsHandle: false), FileAccess.Write, bufferSize: 0);
        // Workers are started from this thread, which serves until the end: the kernel ties each
        // worker's life to the thread that started it (HostProcess.EndWithParent).
        using var isolated = new IsolatedHandler(timeout, memoryLimit, clientStdout);
        return new JsonLegacyServer(Console.OpenStandardInput(), stdout, isolated).Run();
    }

    /// <summary>
    /// Serves as an expansion worker (<see cref="ExpansionWorker.Subcommand"/>): in-process, on
    /// the stdout it inherited from its supervisor (the client's), reporting each answer on the
    /// pipe descriptor named by the first argument, in the span mode named by the second.
    /// </summary>
    public static int RunWorker(string[] args)
    {
        var usage = $"{ExpansionWorker.Subcommand} is started by the server itself: {ExpansionWorker.Subcommand} REPORTS-FD id|rust-analyzer";
        if (args.Length != 2
            || !int.TryParse(args[0], NumberStyles.None, CultureInfo.InvariantCulture, out var reportsFd)
            || !ExpansionWorker.TryParseSpanModeArgument(args[1], out var spanMode))
        {
            return Usage(usage);
        }
        AnonymousPipeClientStream reportsPipe;
        try
        {
            reportsPipe = new AnonymousPipeClientStream(PipeDirection.Out, new SafePipeHandle(reportsFd, ownsHandle: true));
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return Usage($"{ExpansionWorker.Subcommand} is started by the server itself: descriptor {args[0]} is not a pipe to report on ({e.Message})");
        }
        using var reports = reportsPipe;
        HostProcess.KeepFromChildProcesses(reportsFd);
        // A supervisor that is killed takes its worker with it: the client sees its server end
        // instead of waiting on a stdout the worker still holds.
        try
        {
            if (!HostProcess.EndWithParent(reportsFd)) return 0;
        }
        catch (IOException e)
        {
            // Serving matters more: without the tie a killed supervisor's worker lingers until its
            // macro ends, as before there was one.
            Console.Error.WriteLine($"proc-macro-srv: expansion worker: {e.Message}; serving anyway");
        }
        return ServeInProcess(spanMode, new AnswerReporter(reports));
    }

    // Serves in this process, on the macros' own thread (one request at a time, no hand-over per
    // expansion), with stdin and stdout kept for the protocol. A worker (with a reporter) writes
    // its answers without their newlines and reports each to its supervisor, which ends the line.
    private static int ServeInProcess(SpanMode spanMode, IAnswerObserver? reporter)
    {
        using var requests = ProtocolStdin.Reserve();
        using var stdout = ProtocolStdout.Reserve();
        using var local = new InProcessHandler(spanMode, reporter);
        return ProcMacroLibrary.HostOnExpansionThread(() => new JsonLegacyServer(requests, stdout, local).Run());
    }
}
