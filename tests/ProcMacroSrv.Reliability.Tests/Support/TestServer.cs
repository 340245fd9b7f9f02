using System.Diagnostics;
using System.Text;
using ProcMacroSrv.Client;
using ProcMacroSrv.Protocol;
using ProcMacroSrv.Protocol.Json;

namespace ProcMacroSrv.Reliability.Tests.Support;

/// <summary>How a test server is started.</summary>
internal sealed record ServerSettings
{
    /// <summary>How macros are isolated.</summary>
    public IsolationMode Isolation { get; init; } = IsolationMode.Worker;

    /// <summary>PROC_MACRO_SRV_TIMEOUT in seconds, or null for the server's default.</summary>
    public double? TimeoutSeconds { get; init; }

    /// <summary>PROC_MACRO_SRV_MEMORY_LIMIT_MB, or null for the server's default.</summary>
    public long? MemoryLimitMiB { get; init; }

    /// <summary>PROC_MACRO_SRV_CHECK_HANDLES=1: an expansion that leaves handles alive fails.</summary>
    public bool CheckHandles { get; init; }

    /// <summary>The server's working directory (null: the test's).</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>More variables for the server's environment (null removes one).</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();
}

public enum IsolationMode
{
    /// <summary>The default: a supervised worker process runs the macros.</summary>
    Worker,

    /// <summary><c>PROC_MACRO_SRV_IN_PROCESS=1</c>, started without arguments as rust-analyzer does.</summary>
    InProcessByEnvironment,

    /// <summary><c>serve --in-process</c>.</summary>
    InProcessByArgument,
}

/// <summary>
/// One of our servers, started exactly as rust-analyzer starts one (no arguments, the gate
/// variable set, json-legacy on stdin/stdout) unless <see cref="IsolationMode.InProcessByArgument"/>
/// asks for <c>serve --in-process</c>.
/// </summary>
internal sealed class TestServer : IAsyncDisposable
{
    private static readonly Lazy<string> s_executable = new(Locate);

    private TestServer(ProcMacroServerProcess process) => Process = process;

    /// <summary>Our executable, the apphost copied next to the test assembly by the project reference.</summary>
    public static string ExecutablePath => s_executable.Value;

    public ProcMacroServerProcess Process { get; }

    public int ProcessId => Process.ProcessId;

    public SpanMode SpanMode { get; private set; } = SpanMode.Id;

    /// <summary>What the server and its workers wrote to stderr so far (the last 64 KiB).</summary>
    public string StandardError => Process.StandardError ?? string.Empty;

    public static TestServer Start(ServerSettings? settings = null) =>
        new(ProcMacroServerProcess.Start(ExecutablePath, Options(settings ?? new ServerSettings())));

    /// <summary>
    /// How <see cref="Start"/> starts the server, for a test that must hold its streams itself
    /// (to close stdout under it): rust-analyzer's way, with the test's settings.
    /// </summary>
    public static ProcessStartInfo StartInfo(ServerSettings? settings = null) =>
        ProcMacroServerProcess.CreateStartInfo(ExecutablePath, Options(settings ?? new ServerSettings()));

    private static ProcMacroServerOptions Options(ServerSettings settings)
    {
        var options = new ProcMacroServerOptions
        {
            CaptureStandardError = true,
            // A test must never wait forever: far above every time limit the tests give the server.
            RequestTimeout = TimeSpan.FromMinutes(3),
            ShutdownTimeout = TimeSpan.FromSeconds(20),
            WorkingDirectory = settings.WorkingDirectory,
        };
        // Only what a test asks for: nothing inherited from the environment the tests run in.
        options.Environment["PROC_MACRO_SRV_IN_PROCESS"] = null;
        options.Environment["PROC_MACRO_SRV_TIMEOUT"] = settings.TimeoutSeconds?.ToString(System.Globalization.CultureInfo.InvariantCulture);
        options.Environment["PROC_MACRO_SRV_MEMORY_LIMIT_MB"] = settings.MemoryLimitMiB?.ToString(System.Globalization.CultureInfo.InvariantCulture);
        options.Environment["PROC_MACRO_SRV_CHECK_HANDLES"] = settings.CheckHandles ? "1" : null;
        switch (settings.Isolation)
        {
            case IsolationMode.InProcessByEnvironment:
                options.Environment["PROC_MACRO_SRV_IN_PROCESS"] = "1";
                break;
            case IsolationMode.InProcessByArgument:
                options.Arguments.Add("serve");
                options.Arguments.Add("--in-process");
                break;
        }
        foreach (var (name, value) in settings.Environment) options.Environment[name] = value;
        return options;
    }

    /// <summary>rust-analyzer's handshake, ending in <paramref name="mode"/>.</summary>
    public async Task HandshakeAsync(SpanMode mode)
    {
        var version = await Process.ApiVersionCheckAsync();
        Assert.Equal(ApiVersion.Current, version);
        var confirmed = await Process.SetConfigAsync(mode);
        Assert.Equal(mode, confirmed);
        SpanMode = mode;
    }

    /// <summary>Sends a line as it is and decodes the answer (which must be a readable response).</summary>
    public async Task<Response> SendRawAsync(byte[] line)
    {
        var answer = await Process.SendRawAsync(line);
        try
        {
            return JsonLegacyReader.ReadResponse(answer);
        }
        catch (ProtocolException e)
        {
            throw new InvalidOperationException($"the server answered with an unreadable line: {Show(answer)}", e);
        }
    }

    public Task<Response> SendRawAsync(string line) => SendRawAsync(Encoding.UTF8.GetBytes(line));

    public Task<Response> SendAsync(Request request) => SendRawAsync(JsonLegacyWriter.EncodeRequest(request));

    /// <summary>Expands <paramref name="source"/> in the connection's span mode; returns the answer and, on success, the printed expansion.</summary>
    public async Task<Answer> ExpandAsync(string lib, string macroName, string source, string? attributes = null,
        IReadOnlyList<KeyValuePair<string, string>>? env = null, string? currentDir = null)
    {
        var request = Requests.Expand(lib, macroName, source, SpanMode, attributes, env, currentDir);
        return Answer.Of(await SendAsync(request));
    }

    /// <summary>A real expansion that must work: <c>stringify_input!(...)</c> of pm-basics. Returns the answer for the report.</summary>
    public async Task<Answer> AssertServingAsync(string because)
    {
        var probe = $"serving {Interlocked.Increment(ref s_probeCounter)}";
        Answer answer;
        try
        {
            answer = await ExpandAsync(Dylibs.Stable.PmBasics, "stringify_input", probe);
        }
        catch (ProcMacroServerException e)
        {
            throw new Xunit.Sdk.XunitException($"the server stopped serving {because}: {e.Message}\nstderr:\n{Tail(StandardError)}");
        }
        Assert.True(answer.IsOk, $"a valid request after {because} failed: {answer.Error}\nstderr:\n{Tail(StandardError)}");
        Assert.Equal(SpanMode == SpanMode.Id ? "ExpandMacro" : "ExpandMacroExtended", answer.Variant);
        Assert.Equal($"\"{probe}\"", answer.Text);
        return answer;
    }

    private static int s_probeCounter;

    /// <summary>The server's child processes (its expansion worker, when isolation is on).</summary>
    public IReadOnlyList<int> ChildProcessIds() => ProcessTable.ChildrenOf(ProcessId);

    /// <summary>The one expansion worker; fails when there is not exactly one.</summary>
    public int WorkerProcessId()
    {
        var children = ChildProcessIds();
        Assert.True(children.Count == 1, $"expected one expansion worker under server {ProcessId}, found [{string.Join(", ", children)}]");
        return children[0];
    }

    public async ValueTask DisposeAsync() => await Process.DisposeAsync();

    /// <summary>Closes stdin and waits for the server to exit; returns its exit code.</summary>
    public async Task<int?> StopAsync()
    {
        await Process.DisposeAsync();
        return Process.ExitCode;
    }

    public static string Tail(string text, int max = 4000) => text.Length <= max ? text : "..." + text[^max..];

    public static string Show(byte[] line) => Show(Encoding.UTF8.GetString(line));

    public static string Show(string text) => text.Length <= 400 ? text : text[..400] + $"... ({text.Length} chars)";

    private static string Locate() => Fixtures.ServerUnderTest.Path;
}
