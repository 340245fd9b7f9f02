using System.Diagnostics;
using System.Globalization;
using System.Text;
using Xunit.Abstractions;

namespace ProcMacroSrv.Reliability.Tests.Support;

/// <summary>What one fuzzed input led to: accepted, or rejected with the documented exception.</summary>
internal enum FuzzOutcome
{
    Accepted,
    Rejected,
}

/// <summary>
/// A time-bounded, seedable fuzzing loop. Each target runs for <see cref="Budget"/>
/// (<c>PROC_MACRO_SRV_FUZZ_SECONDS</c>, default 3) from a seed (<c>PROC_MACRO_SRV_FUZZ_SEED</c>, else
/// random); a failure names the seed, the iteration and the input, so that
/// <c>PROC_MACRO_SRV_FUZZ_SEED=&lt;seed&gt;</c> replays it. An input that takes longer than
/// <see cref="HangLimit"/> fails as a hang.
/// </summary>
internal static class Fuzzer
{
    public const string SeedVariable = "PROC_MACRO_SRV_FUZZ_SEED";
    public const string SecondsVariable = "PROC_MACRO_SRV_FUZZ_SECONDS";

    public static TimeSpan Budget =>
        double.TryParse(Environment.GetEnvironmentVariable(SecondsVariable), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0
            ? TimeSpan.FromSeconds(s)
            : TimeSpan.FromSeconds(3);

    public static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(10);

    public static int Seed() =>
        int.TryParse(Environment.GetEnvironmentVariable(SeedVariable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed)
            ? seed
            : Random.Shared.Next();

    /// <summary>Statistics of a finished run.</summary>
    public sealed record Report(string Target, int Seed, long Iterations, long Accepted, long Rejected, TimeSpan Elapsed)
    {
        public override string ToString() =>
            string.Create(CultureInfo.InvariantCulture, $"{Target}: seed {Seed}, {Iterations:N0} inputs in {Elapsed.TotalSeconds:0.0} s ({Accepted:N0} accepted, {Rejected:N0} rejected with the documented exception)");
    }

    /// <summary>
    /// Runs <paramref name="check"/> on inputs from <paramref name="generate"/> until the budget
    /// is spent. <paramref name="check"/> returns how the input was taken and throws for anything
    /// that is a bug (an undocumented exception, a broken property).
    /// </summary>
    public static Report Run<T>(string target, Func<Random, T> generate, Func<T, FuzzOutcome> check, Func<T, string> show, ITestOutputHelper output)
    {
        var seed = Seed();
        // Printed before anything runs: if the process itself dies, the seed is already out.
        Console.Error.WriteLine($"fuzz {target}: seed {seed} ({SeedVariable}={seed} replays it)");
        output.WriteLine($"fuzz {target}: seed {seed}");
        var budget = Budget;
        var random = new Random(seed);
        long iterations = 0, accepted = 0, rejected = 0;
        long currentStart = 0;
        T? current = default;
        Exception? failure = null;
        T? failed = default;
        var stop = false;
        var clock = Stopwatch.StartNew();

        var worker = new Thread(() =>
        {
            while (!Volatile.Read(ref stop) && clock.Elapsed < budget)
            {
                T input;
                try
                {
                    input = generate(random);
                }
                catch (Exception e)
                {
                    failure = new InvalidOperationException("the fuzzer's own generator failed (a test bug)", e);
                    break;
                }
                current = input;
                Volatile.Write(ref currentStart, Stopwatch.GetTimestamp());
                try
                {
                    if (check(input) == FuzzOutcome.Accepted) accepted++;
                    else rejected++;
                }
                catch (Exception e)
                {
                    failure = e;
                    failed = input;
                    break;
                }
                finally
                {
                    Volatile.Write(ref currentStart, 0);
                }
                Interlocked.Increment(ref iterations);
            }
        })
        { IsBackground = true, Name = "fuzz " + target };
        worker.Start();

        while (!worker.Join(50))
        {
            var started = Volatile.Read(ref currentStart);
            if (started != 0 && Stopwatch.GetElapsedTime(started) > HangLimit)
            {
                Volatile.Write(ref stop, true);
                var hung = current is null ? "?" : show(current);
                throw new Xunit.Sdk.XunitException(
                    $"fuzz {target}: seed {seed}, input {Interlocked.Read(ref iterations)} took more than {HangLimit.TotalSeconds} s (a hang):\n{hung}");
            }
        }
        clock.Stop();
        if (failure is not null && failed is null)
        {
            throw new Xunit.Sdk.XunitException($"fuzz {target}: seed {seed}: {failure}");
        }
        if (failure is not null)
        {
            throw new Xunit.Sdk.XunitException(
                $"fuzz {target}: seed {seed} ({SeedVariable}={seed} replays it), input {iterations}:\n{show(failed!)}\nthrew {failure}");
        }
        var report = new Report(target, seed, iterations, accepted, rejected, clock.Elapsed);
        output.WriteLine(report.ToString());
        ReliabilityLog.Record("Fuzzing", target,
            string.Create(CultureInfo.InvariantCulture, $"{accepted:N0} accepted, {rejected:N0} rejected with the documented exception; none other escaped, no input over {HangLimit.TotalSeconds:0} s"),
            keptServing: true, times: iterations);
        return report;
    }

    /// <summary>Bytes as a C# string literal (UTF-8 where valid, \x escapes elsewhere), cut to a readable length.</summary>
    public static string ShowBytes(ReadOnlySpan<byte> bytes, int max = 4000)
    {
        var text = new StringBuilder("\"");
        var shown = bytes.Length > max ? bytes[..max] : bytes;
        foreach (var b in shown)
        {
            if (b is >= 0x20 and < 0x7F and not (byte)'"' and not (byte)'\\') text.Append((char)b);
            else text.Append(CultureInfo.InvariantCulture, $"\\x{b:X2}");
        }
        text.Append('"');
        if (bytes.Length > max) text.Append(CultureInfo.InvariantCulture, $" ... ({bytes.Length} bytes)");
        return text.ToString();
    }

    /// <summary>A string as a C# literal with every non-ASCII and control character escaped.</summary>
    public static string ShowString(string value, int max = 4000)
    {
        var text = new StringBuilder("\"");
        foreach (var c in value.Length > max ? value[..max] : value)
        {
            if (c is >= ' ' and < (char)0x7F and not '"' and not '\\') text.Append(c);
            else text.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
        }
        text.Append('"');
        if (value.Length > max) text.Append(CultureInfo.InvariantCulture, $" ... ({value.Length} chars)");
        return text.ToString();
    }

    /// <summary>Byte-level mutations: flips, random bytes, interesting bytes, deletions, duplications, splices.</summary>
    public static byte[] Mutate(Random random, byte[] input, IReadOnlyList<byte[]> dictionary)
    {
        var bytes = new List<byte>(input);
        var rounds = 1 + random.Next(random.Next(2) == 0 ? 2 : 8);
        for (var round = 0; round < rounds; round++)
        {
            var at = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
            switch (random.Next(9))
            {
                case 0 when bytes.Count > 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when bytes.Count > 0:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 2 when bytes.Count > 0:
                    bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + random.Next(16)));
                    break;
                case 3 when bytes.Count > 0:
                    var length = Math.Min(bytes.Count - at, 1 + random.Next(64));
                    bytes.InsertRange(random.Next(bytes.Count + 1), bytes.GetRange(at, length));
                    break;
                case 4 when bytes.Count > 0:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 5 or 6:
                    bytes.InsertRange(at, dictionary[random.Next(dictionary.Count)]);
                    break;
                default:
                    // Replace a run of digits (a number) or a word with a dictionary entry.
                    if (bytes.Count == 0) break;
                    var start = at;
                    while (start < bytes.Count && !IsWordByte(bytes[start])) start++;
                    var end = start;
                    while (end < bytes.Count && IsWordByte(bytes[end])) end++;
                    if (end > start)
                    {
                        bytes.RemoveRange(start, end - start);
                        bytes.InsertRange(start, dictionary[random.Next(dictionary.Count)]);
                    }
                    break;
            }
        }
        return bytes.ToArray();
    }

    private static bool IsWordByte(byte b) => b is (>= (byte)'0' and <= (byte)'9') or (>= (byte)'a' and <= (byte)'z') or (byte)'_' or (byte)'-';
}
