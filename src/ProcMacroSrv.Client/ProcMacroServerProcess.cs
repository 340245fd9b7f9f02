using System.Diagnostics;
using System.Text;
using ProcMacroSrv.Protocol;
using ProcMacroSrv.Protocol.Json;
using ProcMacroSrv.TokenModel;

namespace ProcMacroSrv.Client;

/// <summary>
/// One running proc-macro server, started and spoken to exactly as rust-analyzer does
/// (protocol.md sections 1.2, 1.6 and 1.7): no arguments, the gate variable set, json-legacy over
/// stdin/stdout, one request at a time.
/// </summary>
/// <remarks>
/// When a read or write fails because the server went away, the process is marked exited and
/// that error (<c>proc-macro server exited with exit status: N</c>) is thrown for the failing
/// request and every later one; servers are not restarted. Disposing closes stdin, which the
/// server takes as the end of the conversation, waits for it to exit, and kills it if it does not.
/// </remarks>
public sealed class ProcMacroServerProcess : IAsyncDisposable, IDisposable
{
    /// <summary>The gate variable the server refuses to run without (section 1.3).</summary>
    public const string GateVariable = "RUST_ANALYZER_INTERNALS_DO_NOT_USE";

    /// <summary>The value rust-analyzer gives the gate variable; the server ignores it.</summary>
    public const string GateValue = "this is unstable";

    private const int StandardErrorLimit = 64 * 1024;
    private static readonly TimeSpan ExitGracePeriod = TimeSpan.FromSeconds(5);

    private readonly Process _process;
    private readonly ProcMacroServerOptions _options;
    private readonly StreamWriter _stdin;
    private readonly JsonLineWriter _writer;
    private readonly JsonLineReader _reader;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly StringBuilder? _stderr;
    private ProcMacroServerException? _failure;
    private bool _disposed;
    // The Process object cannot be asked after disposal; its exit status is kept here.
    private int? _finalExitCode;

    private ProcMacroServerProcess(Process process, ProcMacroServerOptions options, StringBuilder? stderr)
    {
        _process = process;
        _options = options;
        _stderr = stderr;
        // Messages are written as bytes to the underlying stream; the framework's writer is kept
        // only so that closing it closes the pipe.
        _stdin = process.StandardInput;
        _writer = new JsonLineWriter(_stdin.BaseStream);
        _reader = new JsonLineReader(process.StandardOutput.BaseStream);
    }

    /// <summary>The path of the server executable.</summary>
    public string ServerPath => _process.StartInfo.FileName;

    /// <summary>The server's process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>
    /// The API version the server reported, once <see cref="ApiVersionCheckAsync"/> has run;
    /// until then <see cref="ApiVersion.Current"/> is assumed for encoding.
    /// </summary>
    public uint? ApiVersion { get; private set; }

    /// <summary>The span mode the server confirmed through <see cref="SetConfigAsync"/>; every connection starts in Id mode.</summary>
    public SpanMode SpanMode { get; private set; } = SpanMode.Id;

    /// <summary>True once the server process has exited (always true after disposal).</summary>
    public bool HasExited => _disposed || _process.HasExited;

    /// <summary>The exit status, once the server has exited; after disposal, the status it ended with.</summary>
    public int? ExitCode => _disposed ? _finalExitCode : ExitCodeOrNull();

    /// <summary>What the server has written to stderr so far (the last 64 KiB), or null when stderr is inherited.</summary>
    public string? StandardError
    {
        get
        {
            if (_stderr is null) return null;
            lock (_stderr) return _stderr.ToString();
        }
    }

    /// <summary>Starts the server at <paramref name="serverPath"/>.</summary>
    /// <exception cref="ProcMacroServerException">The executable could not be started.</exception>
    public static ProcMacroServerProcess Start(string serverPath, ProcMacroServerOptions? options = null)
    {
        options ??= new ProcMacroServerOptions();
        var startInfo = CreateStartInfo(serverPath, options);
        var process = new Process { StartInfo = startInfo };
        StringBuilder? stderr = null;
        if (options.CaptureStandardError)
        {
            stderr = new StringBuilder();
            var sink = stderr;
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is null) return;
                lock (sink)
                {
                    sink.Append(e.Data).Append('\n');
                    // Keep only the tail: it is for error messages, and a chatty server must not grow it without bound.
                    if (sink.Length > StandardErrorLimit) sink.Remove(0, sink.Length - StandardErrorLimit);
                }
            };
        }
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            process.Dispose();
            throw new ProcMacroServerException($"failed to start proc-macro server `{serverPath}`: {e.Message}", innerException: e);
        }
        if (options.CaptureStandardError) process.BeginErrorReadLine();
        return new ProcMacroServerProcess(process, options, stderr);
    }

    /// <summary>
    /// The start information rust-analyzer would use (section 1.2): the inherited environment plus
    /// <paramref name="options"/>' variables, <c>RUSTUP_TOOLCHAIN</c> from the sysroot unless set,
    /// the gate variable, no arguments beyond the options', and piped stdin and stdout.
    /// </summary>
    public static ProcessStartInfo CreateStartInfo(string serverPath, ProcMacroServerOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(serverPath);
        options ??= new ProcMacroServerOptions();
        var startInfo = new ProcessStartInfo(serverPath)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = options.CaptureStandardError,
            // The protocol is UTF-8 without a byte-order mark; the streams are used as bytes,
            // but this keeps the framework's writer from ever emitting a preamble.
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = new UTF8Encoding(false),
        };
        if (options.WorkingDirectory is not null) startInfo.WorkingDirectory = options.WorkingDirectory;
        foreach (var argument in options.Arguments) startInfo.ArgumentList.Add(argument);

        var environment = startInfo.Environment;
        foreach (var (key, value) in options.Environment)
        {
            if (value is null) environment.Remove(key);
            else environment[key] = value;
        }
        if (options.Sysroot is not null)
        {
            if (!environment.ContainsKey("RUSTUP_TOOLCHAIN")) environment["RUSTUP_TOOLCHAIN"] = options.Sysroot;
            if (OperatingSystem.IsWindows())
            {
                // So that the server finds rustc_driver and std DLLs, as rust-analyzer arranges.
                var bin = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(serverPath)));
                if (bin is not null)
                {
                    environment.TryGetValue("PATH", out var path);
                    environment["PATH"] = Path.Combine(bin, "bin") + ";" + path;
                }
            }
        }
        environment[GateVariable] = GateValue;
        return startInfo;
    }

    /// <summary>
    /// The handshake of section 1.6: the version check, then, from version 4 on,
    /// <c>SetConfig(RustAnalyzer)</c>. A failed <c>SetConfig</c> leaves the process in Id mode, as
    /// in rust-analyzer.
    /// </summary>
    /// <returns>The server's API version.</returns>
    public async Task<uint> HandshakeAsync(CancellationToken cancellationToken = default)
    {
        var version = await ApiVersionCheckAsync(cancellationToken).ConfigureAwait(false);
        if (version >= Protocol.ApiVersion.RustAnalyzerSpanSupport)
        {
            try
            {
                await SetConfigAsync(SpanMode.RustAnalyzer, cancellationToken).ConfigureAwait(false);
            }
            catch (ProcMacroServerException) when (!HasExited)
            {
                // rust-analyzer silently stays in Id mode.
            }
        }
        return version;
    }

    /// <summary>Sends <c>ApiVersionCheck</c> and records the answer in <see cref="ApiVersion"/>.</summary>
    public async Task<uint> ApiVersionCheckAsync(CancellationToken cancellationToken = default)
    {
        var response = await ExpectAsync<ApiVersionCheckResponse>(ApiVersionCheckRequest.Instance, cancellationToken).ConfigureAwait(false);
        ApiVersion = response.Version;
        return response.Version;
    }

    /// <summary>Sends <c>SetConfig</c> and records the echoed mode in <see cref="SpanMode"/>.</summary>
    public async Task<SpanMode> SetConfigAsync(SpanMode spanMode, CancellationToken cancellationToken = default)
    {
        var response = await ExpectAsync<SetConfigResponse>(new SetConfigRequest(spanMode), cancellationToken).ConfigureAwait(false);
        SpanMode = response.SpanMode;
        return response.SpanMode;
    }

    /// <summary>Lists the macros of a dylib; the response carries either the macros or the server's error text.</summary>
    public Task<ListMacrosResponse> ListMacrosAsync(string dylibPath, CancellationToken cancellationToken = default) =>
        ExpectAsync<ListMacrosResponse>(new ListMacrosRequest(dylibPath), cancellationToken);

    /// <summary>
    /// Expands a macro, building the request as rust-analyzer does for this connection's
    /// <see cref="SpanMode"/> and <see cref="ApiVersion"/> (see <see cref="ExpandMacroRequest.Encode"/>).
    /// </summary>
    public Task<ExpansionResult> ExpandMacroAsync(string lib, string macroName, Group body, Group? attributes, GlobalSpans globals,
        IReadOnlyList<KeyValuePair<string, string>>? env = null, string? currentDir = null, CancellationToken cancellationToken = default)
    {
        var request = ExpandMacroRequest.Encode(lib, macroName, body, attributes, globals, SpanMode, env, currentDir, EffectiveVersion);
        return ExpandMacroAsync(request, cancellationToken);
    }

    /// <summary>Sends a prepared <c>ExpandMacro</c> request and decodes the answer against the connection's API version.</summary>
    public async Task<ExpansionResult> ExpandMacroAsync(ExpandMacroRequest request, CancellationToken cancellationToken = default)
    {
        var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        try
        {
            switch (response)
            {
                case ExpandMacroResponse { Tree: { } tree } plain:
                    return new ExpansionResult(plain, tree.ToTokenStream(SpanIds.Instance, EffectiveVersion), tree, null, null);
                case ExpandMacroResponse plain:
                    return new ExpansionResult(plain, null, null, null, plain.Error);
                case ExpandMacroExtendedResponse { Tree: { } tree } extended:
                    var table = SpanDataTable.FromWire(extended.SpanDataTable.Span, EffectiveVersion);
                    return new ExpansionResult(extended, tree.ToTokenStream(table, EffectiveVersion), tree, table, null);
                case ExpandMacroExtendedResponse extended:
                    return new ExpansionResult(extended, null, null, null, extended.Error);
                default:
                    throw Unexpected(request, response);
            }
        }
        catch (ProtocolException e)
        {
            throw new ProcMacroServerException($"invalid expansion from the proc-macro server: {e.Message}", innerException: e);
        }
    }

    /// <summary>Sends any request and returns whatever response comes back.</summary>
    /// <exception cref="ProcMacroServerException">The server exited, timed out, or answered with something unreadable.</exception>
    public async Task<Response> SendAsync(Request request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var line = await RoundTripAsync(JsonLegacyWriter.EncodeRequest(request), cancellationToken).ConfigureAwait(false);
        try
        {
            return JsonLegacyReader.ReadResponse(line);
        }
        catch (ProtocolException e)
        {
            throw new ProcMacroServerException($"invalid response from the proc-macro server: {e.Message}", innerException: e);
        }
    }

    /// <summary>
    /// Sends <paramref name="message"/> as one line (a newline is added) and returns the next
    /// message line the server writes, byte for byte and without its newline. Lines that do not
    /// start with <c>{</c> are skipped, as rust-analyzer does. For byte-comparison tests.
    /// </summary>
    /// <exception cref="ProcMacroServerException">The server exited or timed out.</exception>
    public Task<byte[]> SendRawAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default) =>
        RoundTripAsync(message, cancellationToken);

    private uint EffectiveVersion => ApiVersion is { } v && v <= Protocol.ApiVersion.Current ? v : Protocol.ApiVersion.Current;

    private async Task<T> ExpectAsync<T>(Request request, CancellationToken cancellationToken) where T : Response
    {
        var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        return response as T ?? throw Unexpected(request, response);
    }

    private static ProcMacroServerException Unexpected(Request request, Response response) =>
        new($"unexpected response from the proc-macro server: {response.GetType().Name} to {request.GetType().Name}");

    private async Task<byte[]> RoundTripAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (message.Span.IndexOf((byte)'\n') >= 0)
            throw new ArgumentException("a json-legacy message must be a single line", nameof(message));
        // The protocol is strictly sequential: no request ids, one request in flight.
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_failure is not null) throw _failure;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (_options.RequestTimeout != Timeout.InfiniteTimeSpan) timeout.CancelAfter(_options.RequestTimeout);
            try
            {
                await _writer.WriteLineAsync(message, timeout.Token).ConfigureAwait(false);
                var line = await _reader.ReadMessageAsync(timeout.Token).ConfigureAwait(false);
                if (!line.IsEmpty) return line.ToArray();
                throw await ExitedAsync(null).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                throw await ExitedAsync(e).ConfigureAwait(false);
            }
            catch (OperationCanceledException e)
            {
                // A response may still arrive later and would be taken as the answer to the next
                // request, so the connection cannot be reused: end it.
                Kill();
                var why = cancellationToken.IsCancellationRequested
                    ? "the request was cancelled"
                    : $"the proc-macro server did not answer within {_options.RequestTimeout}";
                _failure = new ProcMacroServerException($"{why}; the server was killed", ExitCodeOrNull(), StandardError, e);
                throw _failure;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Builds (and remembers) the error for a server that went away.</summary>
    private async Task<ProcMacroServerException> ExitedAsync(Exception? cause)
    {
        // The pipe closes a moment before the process is reaped; give it a little time so the
        // message can carry the real exit status, as rust-analyzer's does.
        using (var grace = new CancellationTokenSource(ExitGracePeriod))
        {
            try
            {
                await _process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
        var message = _process.HasExited
            ? $"proc-macro server exited with exit status: {_process.ExitCode}"
            : "proc-macro server closed its output but is still running";
        var stderr = StandardError;
        if (!string.IsNullOrWhiteSpace(stderr)) message += "\nstderr:\n" + stderr.TrimEnd();
        _failure = new ProcMacroServerException(message, ExitCodeOrNull(), stderr, cause);
        return _failure;
    }

    private int? ExitCodeOrNull()
    {
        try
        {
            return _process.HasExited ? _process.ExitCode : null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>Closes stdin, waits up to the shutdown timeout for the server to exit, then kills it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        CloseInput();
        using (var wait = new CancellationTokenSource(_options.ShutdownTimeout))
        {
            try
            {
                await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Kill();
                await _process.WaitForExitAsync().ConfigureAwait(false);
            }
        }
        _finalExitCode = ExitCodeOrNull();
        _process.Dispose();
        _gate.Dispose();
    }

    /// <summary>Closes stdin, waits up to the shutdown timeout for the server to exit, then kills it.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        CloseInput();
        if (!_process.WaitForExit(_options.ShutdownTimeout))
        {
            Kill();
            _process.WaitForExit();
        }
        _finalExitCode = ExitCodeOrNull();
        _process.Dispose();
        _gate.Dispose();
    }

    private void CloseInput()
    {
        try
        {
            _stdin.Dispose();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The server is already gone; closing its input cannot fail in a way that matters.
        }
    }
}
