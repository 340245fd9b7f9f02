using System.Text;
using ProcMacroSrv.Protocol;
using ProcMacroSrv.Protocol.Json;
using ProcMacroSrv.Server.Tests.Support;

namespace ProcMacroSrv.Server.Tests;

/// <summary>
/// The same requests, byte for byte, to our server and to the rustup-stable reference server:
/// every response line must be byte-identical, except for the deliberate divergences a case
/// declares (DIVERGENCES.md). Each class has its own pair of servers, reused by all its tests.
/// </summary>
public sealed class HandshakeDifferentialTests(ServerPair servers) : IClassFixture<ServerPair>
{
    [Fact]
    public async Task ApiVersionCheck_and_SetConfig_are_identical()
    {
        // The handshake as rust-analyzer does it, then the variants a client may send.
        await servers.AssertSameAsync(ApiVersionCheckRequest.Instance, SpanMode.Id, "ApiVersionCheck");
        await servers.AssertSameAsync(new SetConfigRequest(SpanMode.RustAnalyzer), SpanMode.RustAnalyzer, "SetConfig RustAnalyzer");
        await servers.AssertSameAsync(new SetConfigRequest(SpanMode.Id), SpanMode.Id, "SetConfig Id");
        await servers.AssertSameAsync(ApiVersionCheckRequest.Instance, SpanMode.Id, "ApiVersionCheck again");
        string[] raw =
        [
            "{\"ApiVersionCheck\":{}}",
            "{\"ApiVersionCheck\":[]}",
            "{\"ApiVersionCheck\":{\"extra\":1}}",
            "{\"SetConfig\":{}}",
            "{\"SetConfig\":{\"span_mode\":\"RustAnalyzer\",\"unknown\":[1,{\"x\":null}]}}",
            "{\"SetConfig\":{\"span_mode\":\"Id\"}}  ",
            "{\"SetConfig\":{\"span_mode\":\"RustAnalyzer\"}}\r",
            "{ \"SetConfig\" : { \"span_mode\" : \"Id\" } }",
        ];
        foreach (var line in raw)
        {
            var answer = await servers.ExchangeAsync(Encoding.UTF8.GetBytes(line));
            ResponseComparer.AssertEquivalent(line, answer.Ours, answer.Reference, SpanMode.Id, []);
        }
    }

    public static TheoryData<string, SpanMode> Dylibs()
    {
        var data = new TheoryData<string, SpanMode>();
        foreach (var crate in (string[])["pm_basics", "pm_modern", "demo_macros", .. Fixtures.FixtureDylibs.RealMacroCrates, "proc_macro_error_attr"])
            foreach (var mode in (SpanMode[])[SpanMode.Id, SpanMode.RustAnalyzer])
                data.Add(crate, mode);
        return data;
    }

    [Theory]
    [MemberData(nameof(Dylibs))]
    public async Task ListMacros_is_identical(string crate, SpanMode mode)
    {
        await servers.SetModeAsync(mode);
        var path = Servers.Dylibs.RealMacro(crate);
        var answer = await servers.AssertSameAsync(new ListMacrosRequest(path), mode, $"ListMacros {crate}");
        var list = Assert.IsType<ListMacrosResponse>(JsonLegacyReader.ReadResponse(answer.Ours));
        Assert.True(list.Macros is { Count: > 0 }, $"ListMacros {crate}: {list.Error}");
        // Listing again is answered from the cache, identically.
        await servers.AssertSameAsync(new ListMacrosRequest(path), mode, $"ListMacros {crate} again");
    }

    public static TheoryData<string> UnloadablePaths() =>
    [
        ExpansionCase.MissingDylibPath,
        "/nonexistent/path/to/dylib.so",
        "relative/missing/libx.so",
        "<fixtures>/Cargo.toml",
        "<fixtures>",
        "/usr/lib/x86_64-linux-gnu/libc.so.6",
    ];

    [Theory]
    [MemberData(nameof(UnloadablePaths))]
    public async Task ListMacros_of_an_unloadable_file_differs_only_in_the_reason(string path)
    {
        path = path.Replace("<fixtures>", Fixtures.RepositoryLayout.FixturesWorkspace, StringComparison.Ordinal);
        var answer = await servers.ExchangeAsync(JsonLegacyWriter.EncodeRequest(new ListMacrosRequest(path)));
        ResponseComparer.AssertEquivalent($"ListMacros {path}", answer.Ours, answer.Reference, SpanMode.Id,
            [Divergence.LoadErrorReason], dylibPath: path);
        Assert.False(servers.Ours.HasExited || servers.Reference.HasExited);
    }
}

/// <summary>Every fixture macro (pm-basics, pm-modern, demo-macros), in both span modes.</summary>
public sealed class FixtureMacroDifferentialTests(ServerPair servers) : IClassFixture<ServerPair>
{
    public static TheoryData<string, SpanMode> Cases() => CaseData(FixtureCases.All);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Expansion_is_identical(string name, SpanMode mode) =>
        await servers.AssertExpansionAsync(FixtureCases.All.Single(c => c.Name == name), mode);

    internal static TheoryData<string, SpanMode> CaseData(IEnumerable<ExpansionCase> cases)
    {
        var data = new TheoryData<string, SpanMode>();
        foreach (var c in cases)
        {
            data.Add(c.Name, SpanMode.Id);
            data.Add(c.Name, SpanMode.RustAnalyzer);
        }
        return data;
    }
}

/// <summary>The real proc macros Debian packages, with realistic inputs, in both span modes.</summary>
public sealed class RealMacroDifferentialTests(ServerPair servers) : IClassFixture<ServerPair>
{
    public static TheoryData<string, SpanMode> Cases() => FixtureMacroDifferentialTests.CaseData(RealMacroCases.All);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Expansion_is_identical(string name, SpanMode mode) =>
        await servers.AssertExpansionAsync(RealMacroCases.All.Single(c => c.Name == name), mode);
}
