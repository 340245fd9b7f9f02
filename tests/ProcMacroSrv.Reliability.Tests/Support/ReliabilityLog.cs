using System.Text.Json;
using System.Text.RegularExpressions;
using ProcMacroSrv.Fixtures;

namespace ProcMacroSrv.Reliability.Tests.Support;

/// <summary>One scenario a test tried, for RELIABILITY.md.</summary>
/// <param name="Area">The issue's bullet: Isolation, Hostile input, Dylib paths, Environment hygiene, Nothing leaks, Fuzzing.</param>
/// <param name="Scenario">The fault or input tried.</param>
/// <param name="Times">How many times it was tried.</param>
/// <param name="Answer">What the server answered (or what the fuzzed component did).</param>
/// <param name="KeptServing">Whether a valid request afterwards got its right answer; null when the server is meant to end (its client or supervisor gone).</param>
internal sealed record ReliabilityRecord(string Area, string Scenario, long Times, string Answer, bool? KeptServing);

/// <summary>
/// Collects what the tests tried when <c>PROC_MACRO_SRV_RELIABILITY_LOG</c> names a file
/// (scripts/reliability-report.sh sets it): one JSON line per scenario, appended. Paths of this
/// machine are replaced by <c>&lt;repo&gt;</c> and <c>&lt;tmp&gt;</c>.
/// </summary>
internal static partial class ReliabilityLog
{
    public const string Variable = "PROC_MACRO_SRV_RELIABILITY_LOG";
    private static readonly Lock s_lock = new();

    public static void Record(string area, string scenario, string answer, bool keptServing, long times = 1) =>
        Write(area, scenario, answer, keptServing, times);

    public static void Record(string area, string scenario, Answer answer, bool keptServing, long times = 1) =>
        Record(area, scenario, answer.Summary, keptServing, times);

    /// <summary>A fault after which the server is meant to end (no request can follow it).</summary>
    public static void RecordIntendedEnd(string area, string scenario, string answer) =>
        Write(area, scenario, answer, keptServing: null, times: 1);

    private static void Write(string area, string scenario, string answer, bool? keptServing, long times)
    {
        var path = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(path)) return;
        var record = new ReliabilityRecord(area, Sanitize(scenario), times, Sanitize(answer), keptServing);
        var line = JsonSerializer.Serialize(record) + "\n";
        lock (s_lock) File.AppendAllText(path, line);
    }

    /// <summary>Replaces this machine's paths in a message by placeholders.</summary>
    public static string Sanitize(string text)
    {
        text = text.Replace(RepositoryLayout.Root, "<repo>", StringComparison.Ordinal);
        text = TempDirectoryPattern().Replace(text, "<tmp>/$1");
        var temp = Path.GetTempPath().TrimEnd('/');
        if (temp.Length > 1) text = text.Replace(temp + "/", "<tmp>/", StringComparison.Ordinal);
        text = FixtureHashPattern().Replace(text, "$1-<hash>.so");
        return text;
    }

    [GeneratedRegex(@"/tmp/pms-reliability-([a-z0-9-]+)-[A-Za-z0-9]+")]
    private static partial Regex TempDirectoryPattern();

    [GeneratedRegex(@"(lib[a-z_]+)-[0-9a-f]{16}\.so")]
    private static partial Regex FixtureHashPattern();
}
