using System.Diagnostics;
using System.Globalization;
using ProcMacroSrv.Client;
using ProcMacroSrv.Protocol;
using ProcMacroSrv.Protocol.Json;

namespace ProcMacroSrv.Bench.Sessions;

/// <summary>A server under test: how to start it.</summary>
/// <param name="Name">Short name for the report (<c>ours</c>, <c>reference</c>, <c>ours-inproc</c>).</param>
/// <param name="Path">The executable.</param>
/// <param name="Environment">Extra environment variables.</param>
internal sealed record Contender(string Name, string Path, IReadOnlyDictionary<string, string> Environment)
{
    public bool IsReference => Name == "reference";

    /// <summary>Starts the server as rust-analyzer does (no arguments, the gate variable, RUSTUP_TOOLCHAIN).</summary>
    public Session Start(string sysroot)
    {
        var options = new ProcMacroServerOptions
        {
            Sysroot = sysroot,
            CaptureStandardError = true,
            RequestTimeout = TimeSpan.FromMinutes(5),
            ShutdownTimeout = TimeSpan.FromSeconds(10),
        };
        foreach (var (key, value) in Environment) options.Environment[key] = value;
        return new Session(this, ProcMacroServerProcess.Start(Path, options));
    }
}

/// <summary>One running server process and its measurements.</summary>
internal sealed class Session : IAsyncDisposable
{
    private static readonly byte[] ApiVersionCheck = JsonLegacyWriter.EncodeRequest(ApiVersionCheckRequest.Instance);
    private static readonly byte[] SetConfigRa = JsonLegacyWriter.EncodeRequest(new SetConfigRequest(SpanMode.RustAnalyzer));

    public Session(Contender contender, ProcMacroServerProcess process)
    {
        Contender = contender;
        Process = process;
    }

    public Contender Contender { get; }

    public ProcMacroServerProcess Process { get; }

    /// <summary>The handshake rust-analyzer does: ApiVersionCheck, then SetConfig(RustAnalyzer).</summary>
    public async Task HandshakeAsync()
    {
        var version = await Process.SendRawAsync(ApiVersionCheck);
        if (!version.AsSpan().SequenceEqual("{\"ApiVersionCheck\":6}"u8))
            throw new InvalidOperationException($"{Contender.Name}: unexpected version answer {System.Text.Encoding.UTF8.GetString(version)}");
        await Process.SendRawAsync(SetConfigRa);
    }

    /// <summary>Sends ListMacros for each dylib; fails if a listing is an error.</summary>
    public async Task ListAsync(IEnumerable<string> dylibs)
    {
        foreach (var dylib in dylibs)
        {
            var raw = await Process.SendRawAsync(JsonLegacyWriter.EncodeRequest(new ListMacrosRequest(dylib)));
            if (JsonLegacyReader.ReadResponse(raw) is ListMacrosResponse { Error: { } error })
                throw new InvalidOperationException($"{Contender.Name}: ListMacros {dylib} failed: {error}");
        }
    }

    /// <summary>Sends one request line and returns the response and the round-trip time in milliseconds.</summary>
    public async Task<(byte[] Response, double Milliseconds)> TimeAsync(byte[] request)
    {
        var start = Stopwatch.GetTimestamp();
        var response = await Process.SendRawAsync(request);
        return (response, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    }

    /// <summary>
    /// Peak resident memory (VmHWM) of the server and of every descendant process (our supervisor's
    /// worker), in KiB, read now, while they run. Also says how many processes were counted.
    /// </summary>
    public (long TotalKiB, long ServerKiB, int Processes) PeakRss()
    {
        var root = Process.ProcessId;
        var server = ReadKiB(root, "VmHWM:") ?? 0;
        var total = server;
        var count = 1;
        foreach (var child in Descendants(root))
        {
            if (ReadKiB(child, "VmHWM:") is { } kib)
            {
                total += kib;
                count++;
            }
        }
        return (total, server, count);
    }

    /// <summary>
    /// CPU time (user + system) used so far by the server and its descendants, in ms, from
    /// /proc/&lt;pid&gt;/stat (clock-tick resolution, 10 ms; exited threads included). Unlike wall
    /// time it does not grow while the server waits for a core other jobs hold.
    /// </summary>
    public double CpuMilliseconds()
    {
        var total = 0.0;
        foreach (var pid in Descendants(Process.ProcessId).Prepend(Process.ProcessId))
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                // After "pid (comm) ": state is field 0, utime 11, stime 12 (fields 14 and 15 of proc(5)).
                total += (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 1000.0 / TicksPerSecond;
            }
            catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException)
            {
            }
        }
        return total;
    }

    // USER_HZ: 100 on every Linux architecture .NET runs on.
    private const double TicksPerSecond = 100;

    /// <summary>Process ids whose parent chain leads to <paramref name="root"/>.</summary>
    public static List<int> Descendants(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(System.IO.Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            try
            {
                var stat = File.ReadAllText(System.IO.Path.Combine(dir, "stat"));
                // pid (comm) state ppid ...: comm may contain spaces and parentheses; parse after the last ')'.
                var rest = stat.AsSpan(stat.LastIndexOf(')') + 2);
                var fields = rest.ToString().Split(' ');
                parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
            }
        }
        var result = new List<int>();
        var frontier = new Queue<int>();
        frontier.Enqueue(root);
        while (frontier.Count > 0)
        {
            var parent = frontier.Dequeue();
            foreach (var (pid, ppid) in parents)
            {
                if (ppid != parent) continue;
                result.Add(pid);
                frontier.Enqueue(pid);
            }
        }
        return result;
    }

    private static long? ReadKiB(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (!line.StartsWith(field, StringComparison.Ordinal)) continue;
                var value = line.AsSpan(field.Length).Trim();
                if (value.EndsWith("kB")) value = value[..^2].Trim();
                return long.Parse(value, CultureInfo.InvariantCulture);
            }
        }
        catch (IOException)
        {
        }
        return null;
    }

    public async ValueTask DisposeAsync() => await Process.DisposeAsync();
}
