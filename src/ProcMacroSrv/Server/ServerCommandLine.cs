using ProcMacroSrv.Bridge.Expansion;

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

    /// <summary>True when the arguments are the reference server's (none, <c>--format</c>, <c>--version</c>).</summary>
    public static bool IsServerInvocation(string[] args) =>
        args.Length == 0 || args[0] == "--version" || args[0] == "--format" || args[0].StartsWith("--format=", StringComparison.Ordinal);

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

    /// <summary>Parses the reference's arguments and serves (or prints the version).</summary>
    public static int Run(string[] args)
    {
        var format = JsonLegacy;
        var version = false;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string? value = null;
            if (arg == "--version")
            {
                version = true;
                continue;
            }
            if (arg == "--format")
            {
                if (i + 1 >= args.Length) return Usage("a value is required for '--format <FORMAT>' but none was supplied");
                value = args[++i];
            }
            else if (arg.StartsWith("--format=", StringComparison.Ordinal))
            {
                value = arg["--format=".Length..];
            }
            else if (arg.StartsWith("--version=", StringComparison.Ordinal))
            {
                return Usage("unexpected value for an argument found");
            }
            else
            {
                return Usage("unexpected argument found");
            }
            if (value is not (JsonLegacy or Postcard)) return Usage("one of the values isn't valid for an argument");
            format = value;
        }
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
        return Serve();
    }

    private static int Usage(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return 2;
    }

    private static int Serve()
    {
        using var protocol = ProtocolStdout.Reserve();
        using var service = new ExpansionService();
        return new JsonLegacyServer(Console.OpenStandardInput(), protocol, service).Run();
    }
}
