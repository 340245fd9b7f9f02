using System.Diagnostics;
using ProcMacroSrv.Protocol;
using ProcMacroSrv.Reliability.Tests.Support;

namespace ProcMacroSrv.Reliability.Tests;

/// <summary>
/// Dylib paths that are not proc-macro dylibs, in ListMacros and ExpandMacro: each answered with
/// "Cannot create expander for &lt;path&gt;: &lt;reason&gt;", quickly (a FIFO must not block), and no
/// library is ever loaded (the C constructors' marker files never appear).
/// </summary>
public sealed class DylibPathTests(SharedServer shared, BadDylibs dylibs) : IClassFixture<SharedServer>, IClassFixture<BadDylibs>
{
    private const string Area = "Dylib paths";

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var name in BadDylibs.Names) data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task A_bad_dylib_path_is_an_error_and_nothing_is_loaded(string name)
    {
        var path = dylibs.Paths[name];
        var mode = name.Length % 2 == 0 ? SpanMode.Id : SpanMode.RustAnalyzer;
        var server = await shared.InModeAsync(mode);
        var clock = Stopwatch.StartNew();

        var list = Answer.Of(await server.SendAsync(new ListMacrosRequest(path)));
        var expand = await server.ExpandAsync(path, "anything", "struct S;");

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        Assert.Equal("ListMacros", list.Variant);
        Assert.False(list.IsOk, $"listed {list.Text}");
        Assert.StartsWith($"Cannot create expander for {path}: ", list.Error);
        Assert.Equal(Answer.ExpandVariant(mode), expand.Variant);
        Assert.False(expand.IsOk, $"expanded {expand.Text}");
        Assert.StartsWith($"failed to load macro: Cannot create expander for {path}: ", expand.Error);
        var reason = list.Error![$"Cannot create expander for {path}: ".Length..];
        Assert.Equal(reason, expand.Error![$"failed to load macro: Cannot create expander for {path}: ".Length..]);

        await server.AssertServingAsync(name);
        foreach (var marker in dylibs.Markers) Assert.False(File.Exists(marker), $"{marker} exists: a library was loaded");
        ReliabilityLog.Record(Area, name, $"ListMacros and {expand.Variant} Err: Cannot create expander for <path>: {reason}", keptServing: true, times: 2);
    }

    [Fact]
    public async Task No_constructor_ran_in_any_process()
    {
        // After every kind of request on every C library, in a fresh server too.
        await using var server = TestServer.Start();
        await server.HandshakeAsync(SpanMode.RustAnalyzer);
        foreach (var name in BadDylibs.Names.Where(n => n.Contains("constructor", StringComparison.Ordinal)))
        {
            var path = dylibs.Paths[name];
            Assert.False(Answer.Of(await server.SendAsync(new ListMacrosRequest(path))).IsOk);
            Assert.False((await server.ExpandAsync(path, "reliability_symbol", "")).IsOk);
        }
        await server.AssertServingAsync("the C libraries");
        foreach (var marker in dylibs.Markers) Assert.False(File.Exists(marker), $"{marker} exists: a library was loaded");
    }
}
