using System.Diagnostics;
using System.Text;
using ProcMacroSrv.Client;

namespace ProcMacroSrv.Server.Tests.Support;

/// <summary>A server died, hung, or answered what a test did not expect; the message carries its stderr.</summary>
internal sealed class ServerFailureException(string message) : Exception(message);

/// <summary>
/// One server process spoken to line by line, at the byte level. It is started exactly as
/// rust-analyzer starts a proc-macro server (<see cref="ProcMacroServerProcess.CreateStartInfo"/>:
/// the gate variable, <c>RUSTUP_TOOLCHAIN</c>, no arguments, stdin and stdout as pipes); stderr is
/// captured instead of inherited so that a failure can show it. Unlike the client library it keeps
/// the stdout lines a client skips (those not starting with <c>{</c>), so that tests can see what
/// else a server writes to the protocol channel.
/// </summary>
internal sealed class ServerConnection : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);
    private const int StandardErrorLimit = 256 * 1024;

    private readonly Process _process;
    private readonly Stream _stdin;
    private readonly Stream _stdout;
    private readonly StringBuilder _stderr = new();
    private readonly List<string> _junk = [];
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private bool _eof;
    private bool _inputClosed;

    private ServerConnection(ServerKind kind, ProcessStartInfo info)
    {
        Kind = kind;
        _process = new Process { StartInfo = info };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (_stderr)
            {
                _stderr.Append(e.Data).Append('\n');
                if (_stderr.Length > StandardErrorLimit) _stderr.Remove(0, _stderr.Length - StandardErrorLimit);
            }
        };
        if (!_process.Start()) throw new ServerFailureException($"could not start {info.FileName}");
        if (info.RedirectStandardError) _process.BeginErrorReadLine();
        _stdin = _process.StandardInput.BaseStream;
        _stdout = _process.StandardOutput.BaseStream;
    }

    public ServerKind Kind { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public string StandardError
    {
        get
        {
            lock (_stderr) return _stderr.ToString();
        }
    }

    /// <summary>Starts <paramref name="kind"/> as rust-analyzer does; <paramref name="arguments"/> and <paramref name="configure"/> are for the process-model tests only.</summary>
    public static ServerConnection Start(ServerKind kind, IEnumerable<string>? arguments = null, Action<ProcessStartInfo>? configure = null,
        Fixtures.Toolchain? toolchain = null)
    {
        var options = Servers.RustAnalyzerOptions(toolchain);
        foreach (var argument in arguments ?? []) options.Arguments.Add(argument);
        var info = ProcMacroServerProcess.CreateStartInfo(Servers.PathOf(kind, toolchain), options);
        configure?.Invoke(info);
        return new ServerConnection(kind, info);
    }

    /// <summary>Sends one message line (a newline is added) and returns the next protocol line the server writes.</summary>
    public async Task<byte[]> ExchangeAsync(ReadOnlyMemory<byte> message, TimeSpan? timeout = null)
    {
        await SendLineAsync(message);
        return await ReadResponseAsync(timeout) ?? throw Died("closed its stdout instead of answering " + Preview(message.Span));
    }

    /// <summary>Writes <paramref name="message"/> and a newline.</summary>
    public Task SendLineAsync(ReadOnlyMemory<byte> message)
    {
        if (message.Span.IndexOf((byte)'\n') >= 0) throw new ArgumentException("a message must be one line", nameof(message));
        var bytes = new byte[message.Length + 1];
        message.Span.CopyTo(bytes);
        bytes[^1] = (byte)'\n';
        return SendBytesAsync(bytes);
    }

    /// <summary>Writes raw bytes (no newline added).</summary>
    public async Task SendBytesAsync(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            await _stdin.WriteAsync(bytes);
            await _stdin.FlushAsync();
        }
        catch (IOException e)
        {
            throw Died($"could not be written to ({e.Message})");
        }
    }

    /// <summary>
    /// The next line of stdout that starts with <c>{</c>, without its newline, or null at end of
    /// stream. Other lines are kept in <see cref="TakeJunk"/>. A hang past the timeout kills the server.
    /// </summary>
    public async Task<byte[]?> ReadResponseAsync(TimeSpan? timeout = null)
    {
        var read = ReadProtocolLineAsync();
        var limit = timeout ?? DefaultTimeout;
        if (await Task.WhenAny(read, Task.Delay(limit)) != read)
        {
            Kill();
            try { await read; } catch (Exception) { /* the kill ended the read */ }
            throw new ServerFailureException($"{Name} did not answer within {limit}; it was killed.\nstderr:\n{Tail(StandardError)}");
        }
        return await read;
    }

    private async Task<byte[]?> ReadProtocolLineAsync()
    {
        while (true)
        {
            var line = await ReadLineAsync();
            if (line is null) return null;
            if (line.Length > 0 && line[0] == (byte)'{') return line;
            lock (_junk) _junk.Add(Encoding.UTF8.GetString(line));
        }
    }

    private async Task<byte[]?> ReadLineAsync()
    {
        while (true)
        {
            var newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var line = _buffer.AsSpan(_start, newline).ToArray();
                _start += newline + 1;
                return line;
            }
            if (_eof)
            {
                if (_start == _end) return null;
                var rest = _buffer.AsSpan(_start, _end - _start).ToArray();
                _start = _end;
                return rest;
            }
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            if (_end == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
            var n = await _stdout.ReadAsync(_buffer.AsMemory(_end));
            if (n == 0) _eof = true;
            else _end += n;
        }
    }

    /// <summary>The stdout lines skipped since the last call (lines a client ignores because they do not start with <c>{</c>).</summary>
    public IReadOnlyList<string> TakeJunk()
    {
        lock (_junk)
        {
            var lines = _junk.ToArray();
            _junk.Clear();
            return lines;
        }
    }

    /// <summary>Closes the server's stdin: the end of the conversation.</summary>
    public void CloseInput()
    {
        if (_inputClosed) return;
        _inputClosed = true;
        try
        {
            _stdin.Dispose();
        }
        catch (IOException)
        {
            // Already gone.
        }
    }

    /// <summary>Closes our reading end of the server's stdout, as a client that stops reading does.</summary>
    public void CloseOutputReader() => _stdout.Dispose();

    /// <summary>Waits for the server to exit; kills it and fails after <paramref name="timeout"/>. Returns the exit code (128 + signal when killed by a signal).</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new ServerFailureException($"{Name} did not exit within {timeout ?? DefaultTimeout}; it was killed.\nstderr:\n{Tail(StandardError)}");
        }
        return _process.ExitCode;
    }

    public string Name => $"{(Kind == ServerKind.Ours ? "our server" : "the reference server")} (pid {_process.Id})";

    /// <summary>An exception for a server that went away, with its exit status and stderr.</summary>
    public ServerFailureException Died(string what)
    {
        string status;
        if (_process.WaitForExit(TimeSpan.FromSeconds(5))) status = $"exit code {_process.ExitCode}";
        else status = "still running";
        return new ServerFailureException($"{Name} {what} ({status}).\nstderr:\n{Tail(StandardError)}");
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
    }

    private static string Preview(ReadOnlySpan<byte> message)
    {
        var text = Encoding.UTF8.GetString(message);
        return text.Length <= 200 ? text : text[..200] + "…";
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : "…" + text[^4000..];

    public async ValueTask DisposeAsync()
    {
        CloseInput();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
