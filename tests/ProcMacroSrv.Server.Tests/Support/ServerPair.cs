using System.Text;
using ProcMacroSrv.Protocol;
using ProcMacroSrv.Protocol.Json;

namespace ProcMacroSrv.Server.Tests.Support;

/// <summary>What both servers answered to one request line.</summary>
internal sealed record PairedAnswer(byte[] Ours, byte[] Reference, IReadOnlyList<string> OurJunk, IReadOnlyList<string> ReferenceJunk);

/// <summary>
/// Our server and the reference, each started once per test class (an xunit class fixture) as
/// rust-analyzer starts them, and sent the same bytes. The two run in parallel. A server that
/// died (which fails the test that killed it) is started again for the next test.
/// </summary>
public class ServerPair : IAsyncLifetime
{
    private readonly SemaphoreSlim _lock = new(1, 1);

    /// <summary>Our server against the rustup-stable reference, on dylibs built by stable.</summary>
    public ServerPair() : this(Servers.DefaultToolchain) { }

    /// <summary>Our server against <paramref name="toolchain"/>'s reference, on dylibs built by that toolchain.</summary>
    protected ServerPair(Fixtures.Toolchain toolchain) => Toolchain = toolchain;

    /// <summary>The toolchain of the reference server and of the dylibs.</summary>
    public Fixtures.Toolchain Toolchain { get; }

    /// <summary>The syntax context given to input tokens in RustAnalyzer mode (see <see cref="RequestBuilder.Build"/>).</summary>
    public virtual uint TokenContext => RequestBuilder.RootContext2021;

    /// <summary>
    /// True when the reference speaks an older protocol generation (rustc 1.85's: API version 5),
    /// whose framing and span bookkeeping differ: answers are then compared token for token
    /// (<see cref="TokenComparer"/>) instead of byte for byte.
    /// </summary>
    public virtual bool ComparesTokensOnly => false;

    /// <summary>The divergences to expect from this pair's reference for <paramref name="case"/>.</summary>
    internal virtual IReadOnlyCollection<Divergence> DivergencesFor(ExpansionCase @case) => @case.Divergences;

    /// <summary>The fixture dylibs built by <see cref="Toolchain"/>.</summary>
    public Fixtures.FixtureDylibs Dylibs => Fixtures.FixtureCrates.Build(Toolchain);
    private ServerConnection? _ours;
    private ServerConnection? _reference;

    internal ServerConnection Ours => _ours ?? throw new InvalidOperationException("not started");

    internal ServerConnection Reference => _reference ?? throw new InvalidOperationException("not started");

    public Task InitializeAsync()
    {
        // Build (or find up to date) the dylibs first: a missing toolchain or crate fails here, loudly.
        _ = Dylibs;
        _ours = ServerConnection.Start(ServerKind.Ours, toolchain: Toolchain);
        _reference = ServerConnection.Start(ServerKind.Reference, toolchain: Toolchain);
        return Task.CompletedTask;
    }

    /// <summary>Sends <paramref name="line"/> to both servers and returns both answers and any other stdout lines.</summary>
    internal async Task<PairedAnswer> ExchangeAsync(byte[] line)
    {
        await _lock.WaitAsync();
        try
        {
            if (_ours!.HasExited) { await _ours.DisposeAsync(); _ours = ServerConnection.Start(ServerKind.Ours, toolchain: Toolchain); }
            if (_reference!.HasExited) { await _reference.DisposeAsync(); _reference = ServerConnection.Start(ServerKind.Reference, toolchain: Toolchain); }
            var ours = _ours.ExchangeAsync(line);
            var reference = _reference.ExchangeAsync(line);
            await Task.WhenAll(ours.ContinueWith(_ => { }), reference.ContinueWith(_ => { }));
            return new PairedAnswer(await ours, await reference, _ours.TakeJunk(), _reference.TakeJunk());
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Sends a request to both and asserts the answers are byte-identical (no divergence declared).</summary>
    internal async Task<PairedAnswer> AssertSameAsync(Request request, SpanMode mode, string what)
    {
        var answer = await ExchangeAsync(JsonLegacyWriter.EncodeRequest(request));
        ResponseComparer.AssertEquivalent(what, answer.Ours, answer.Reference, mode, []);
        Assert.Empty(answer.OurJunk);
        Assert.Empty(answer.ReferenceJunk);
        return answer;
    }

    /// <summary>Puts both connections in <paramref name="mode"/> (the answers must be identical).</summary>
    internal async Task SetModeAsync(SpanMode mode)
    {
        var answer = await AssertSameAsync(new SetConfigRequest(mode), mode, $"SetConfig {mode}");
        Assert.Equal($"{{\"SetConfig\":{{\"span_mode\":\"{mode}\"}}}}", Encoding.UTF8.GetString(answer.Ours));
    }

    /// <summary>
    /// Expands <paramref name="case"/> on both in <paramref name="mode"/> and compares, modulo the
    /// case's declared divergences. Returns our answer.
    /// </summary>
    internal async Task<byte[]> AssertExpansionAsync(ExpansionCase @case, SpanMode mode)
    {
        await SetModeAsync(mode);
        var request = @case.Build(mode, Dylibs, TokenContext);
        var answer = await ExchangeAsync(request.Json);
        var what = $"{@case.Name} ({mode} mode, {Toolchain.Name})";
        var divergences = DivergencesFor(@case);
        if (ComparesTokensOnly) TokenComparer.AssertSameTokens(what, answer.Ours, answer.Reference, divergences);
        else ResponseComparer.AssertEquivalent(what, answer.Ours, answer.Reference, mode, divergences, request);
        AssertStdout(what, answer, divergences);

        var response = JsonLegacyReader.ReadResponse(answer.Ours);
        Assert.IsType(mode == SpanMode.Id ? typeof(ExpandMacroResponse) : typeof(ExpandMacroExtendedResponse), response);
        var error = ResponseComparer.ErrorOf(response);
        if (@case.ExpectError || divergences.Contains(Divergence.LexErrorOnOldBridge)) Assert.True(error is not null, $"{what}: expected an Err answer, got {TreeDump.Truncate(Encoding.UTF8.GetString(answer.Ours), 500)}");
        else Assert.True(error is null, $"{what}: the expansion failed: {error}");
        return answer.Ours;
    }

    /// <summary>
    /// Our stdout carries protocol lines only. The reference's carries the macro's own output
    /// exactly when the case declares <see cref="Divergence.MacroStdout"/>.
    /// </summary>
    internal static void AssertStdout(string what, PairedAnswer answer, IReadOnlyCollection<Divergence> declared)
    {
        Assert.True(answer.OurJunk.Count == 0, $"{what}: our server wrote non-protocol lines to stdout: {string.Join(" | ", answer.OurJunk)}");
        if (declared.Contains(Divergence.MacroStdout))
            Assert.True(answer.ReferenceJunk.Count > 0, $"{what}: the case declares MacroStdout, but the reference wrote nothing else to stdout");
        else
            Assert.True(answer.ReferenceJunk.Count == 0, $"{what}: the reference wrote non-protocol lines to stdout: {string.Join(" | ", answer.ReferenceJunk)}");
    }

    public async Task DisposeAsync()
    {
        var ours = _ours;
        var reference = _reference;
        if (ours is not null) await ours.DisposeAsync();
        if (reference is not null) await reference.DisposeAsync();
    }
}
