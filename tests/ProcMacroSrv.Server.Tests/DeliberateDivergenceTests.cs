using System.Text;
using ProcMacroSrv.Protocol;
using ProcMacroSrv.Protocol.Json;
using ProcMacroSrv.Server.Tests.Support;

namespace ProcMacroSrv.Server.Tests;

/// <summary>
/// The process-level rows of DIVERGENCES.md: where the reference stops (or is killed) and ours
/// goes on or exits cleanly. Each test asserts both sides, so that a change on either shows.
/// </summary>
public sealed class DeliberateDivergenceTests
{
    private const string Version = "{\"ApiVersionCheck\":{}}\n";

    private static string ValidExpansion(SpanMode mode = SpanMode.Id) =>
        Encoding.UTF8.GetString(RequestBuilder.Build(Servers.Dylibs.PmBasics, "do_thrice", MacroKind.FnLike, "a (b)", null, mode).Json);

    public static TheoryData<string, string, int> MalformedRequests()
    {
        var valid = RequestBuilder.Build(Servers.Dylibs.PmBasics, "do_thrice", MacroKind.FnLike, "a (b)", null, SpanMode.Id);
        var body = valid.Request.MacroBody;
        var outOfRange = new FlatTree(body.Subtree.ToArray(), body.Literal.ToArray(), body.Punct.ToArray(), body.Ident.ToArray(),
            [.. body.TokenTree.ToArray()[..^1], (9999u << 2) | 3], [.. body.Text]);
        var ra = Encoding.UTF8.GetString(RequestBuilder.Build(Servers.Dylibs.PmBasics, "do_thrice", MacroKind.FnLike, "a", null, SpanMode.RustAnalyzer).Json);
        return new TheoryData<string, string, int>
        {
            // name, what is sent after the handshake, the reference's exit code (1: decode error; 101: panic)
            { "truncated JSON", "{\"ExpandMacro\":", 1 },
            { "unknown variant", "{\"Bogus\":{}}", 1 },
            { "wrong field type", "{\"ListMacros\":{\"dylib_path\":42}}", 1 },
            { "FlatTree index out of range", Encoding.UTF8.GetString(JsonLegacyWriter.EncodeRequest(valid.Request with { MacroBody = outOfRange })), 101 },
            { "global span index out of range", "{\"SetConfig\":{\"span_mode\":\"RustAnalyzer\"}}\n" + ra.Replace("\"call_site\":1", "\"call_site\":999", StringComparison.Ordinal), 101 },
        };
    }

    /// <summary>The reference stops without answering; ours answers with an error and goes on serving.</summary>
    [Theory]
    [MemberData(nameof(MalformedRequests))]
    public void A_malformed_request_is_answered_with_an_error_instead_of_ending_the_server(string name, string request, int referenceExitCode)
    {
        var stdin = Version + request + "\n" + Version;
        var reference = ProcessRun.Run(ServerKind.Reference, [], stdin);
        var answers = request.Count(c => c == '\n'); // a SetConfig sent first is answered
        Assert.True(reference.ExitCode == referenceExitCode, $"{name}: {reference}");
        Assert.Equal(1 + answers, reference.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        var ours = ProcessRun.Run(ServerKind.Ours, [], stdin);
        var lines = ours.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(ours.ExitCode == 0 && lines.Length == 3 + answers, $"{name}: {ours}");
        Assert.NotNull(ResponseComparer.ErrorOf(JsonLegacyReader.ReadResponse(Encoding.UTF8.GetBytes(lines[^2]))));
        Assert.Equal("{\"ApiVersionCheck\":6}", lines[^1]);
    }

    /// <summary>The reference drops the last character of a final line without a newline and fails to parse it; ours answers it.</summary>
    [Fact]
    public void A_final_line_without_newline_is_answered()
    {
        var stdin = Version + ValidExpansion();
        var reference = ProcessRun.Run(ServerKind.Reference, [], stdin);
        Assert.True(reference.ExitCode == 1 && reference.StandardOutput == "{\"ApiVersionCheck\":6}\n", reference.ToString());
        Assert.Contains("EOF while parsing", reference.StandardError);

        var ours = ProcessRun.Run(ServerKind.Ours, [], stdin);
        var lines = ours.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(ours.ExitCode == 0 && lines.Length == 2 && lines[1].StartsWith("{\"ExpandMacro\":{\"Ok\"", StringComparison.Ordinal), ours.ToString());
    }

    /// <summary>A client that stops reading: the reference is killed by SIGPIPE, ours exits 0.</summary>
    [Fact]
    public async Task A_closed_stdout_kills_the_reference_with_SIGPIPE_and_ends_ours_cleanly()
    {
        var exitCodes = new Dictionary<ServerKind, int>();
        foreach (var kind in new[] { ServerKind.Reference, ServerKind.Ours })
        {
            await using var server = ServerConnection.Start(kind);
            await server.ExchangeAsync("{\"ApiVersionCheck\":{}}"u8.ToArray());
            server.CloseOutputReader();
            await server.SendLineAsync(Encoding.UTF8.GetBytes(ValidExpansion()));
            exitCodes[kind] = await server.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }
        Assert.Equal(128 + 13, exitCodes[ServerKind.Reference]);
        Assert.Equal(0, exitCodes[ServerKind.Ours]);
    }

    /// <summary>A macro that crashes its process: the reference dies with it; ours answers with an error and goes on.</summary>
    [Fact]
    public void A_crashing_macro_fails_only_its_request()
    {
        var crash = Encoding.UTF8.GetString(RequestBuilder.Build(Servers.Dylibs.PmHostile, "segfault", MacroKind.FnLike, "", null, SpanMode.Id).Json);
        var stdin = Version + crash + "\n" + Version;
        var reference = ProcessRun.Run(ServerKind.Reference, [], stdin);
        Assert.True(reference.ExitCode == 128 + 11 && reference.StandardOutput == "{\"ApiVersionCheck\":6}\n", reference.ToString());

        var ours = ProcessRun.Run(ServerKind.Ours, [], stdin);
        var lines = ours.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(ours.ExitCode == 0 && lines.Length == 3, ours.ToString());
        Assert.StartsWith("{\"ExpandMacro\":{\"Err\":", lines[1]);
        Assert.Equal("{\"ApiVersionCheck\":6}", lines[2]);
    }
}

/// <summary>
/// DIVERGENCES.md: the reference serves only dylibs of its own rustc (1.95.0); ours has a bridge
/// ABI for each rustc from 1.63 on, so the same macros list and expand as they do from stable.
/// </summary>
public sealed class OtherRustcVersionTests(ServerPair servers) : IClassFixture<ServerPair>
{
    public static TheoryData<string> Toolchains() => ["1.63", "1.85", "1.96", "nightly"];

    [Theory]
    [MemberData(nameof(Toolchains))]
    public async Task Dylibs_of_other_rustc_versions_are_served(string toolchain)
    {
        var other = Fixtures.FixtureCrates.Build(toolchain);
        var path = other.PmBasics;
        var answer = await servers.ExchangeAsync(JsonLegacyWriter.EncodeRequest(new ListMacrosRequest(path)));
        var referenceError = ResponseComparer.ErrorOf(JsonLegacyReader.ReadResponse(answer.Reference));
        // 1.63 writes metadata version 6, which the reference cannot even read (protocol.md section 5.2).
        var reason = toolchain == "1.63"
            ? "unsupported metadata version 6"
            : $"mismatched ABI expected: `{Fixtures.Toolchains.Stable.RustcVersion}`, got `{other.Toolchain.RustcVersion}`";
        Assert.Equal($"Cannot create expander for {path}: {reason}", referenceError);

        // Ours lists exactly what it lists for the stable build, and expands the same way.
        var stable = await servers.ExchangeAsync(JsonLegacyWriter.EncodeRequest(new ListMacrosRequest(Servers.Dylibs.PmBasics)));
        Assert.Equal(Encoding.UTF8.GetString(stable.Ours), Encoding.UTF8.GetString(answer.Ours));
        foreach (var mode in new[] { SpanMode.Id, SpanMode.RustAnalyzer })
        {
            await servers.SetModeAsync(mode);
            foreach (var (macro, input) in new[] { ("do_thrice", "a + (b) \"c\" 1u8"), ("respan", "x [y] 'z'"), ("raw_idents", "") })
            {
                var fromStable = await servers.ExchangeAsync(RequestBuilder.Build(Servers.Dylibs.PmBasics, macro, MacroKind.FnLike, input, null, mode).Json);
                var fromOther = await servers.ExchangeAsync(RequestBuilder.Build(path, macro, MacroKind.FnLike, input, null, mode).Json);
                Assert.Equal(Encoding.UTF8.GetString(fromStable.Ours), Encoding.UTF8.GetString(fromOther.Ours));
                Assert.Contains(reason, Encoding.UTF8.GetString(fromOther.Reference));
            }
        }
    }
}
