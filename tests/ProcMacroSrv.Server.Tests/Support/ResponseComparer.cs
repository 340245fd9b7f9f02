using System.Text;
using ProcMacroSrv.Protocol;
using ProcMacroSrv.Protocol.Json;

namespace ProcMacroSrv.Server.Tests.Support;

/// <summary>
/// The verdict on one request: our response line must be byte-identical to the reference's,
/// except for the divergences the case declares. Each declared divergence has one specific
/// normalisation of the reference's response (<see cref="TreeNormalizer"/> and the load-error
/// rule below); after applying them the bytes must be identical, and each declared divergence
/// must have changed something, so that a declaration cannot outlive its divergence.
/// </summary>
internal static class ResponseComparer
{
    /// <summary>Fails unless <paramref name="ours"/> equals <paramref name="reference"/> modulo <paramref name="declared"/>.</summary>
    /// <param name="what">What was sent, for messages.</param>
    /// <param name="ours">Our response line.</param>
    /// <param name="reference">The reference's response line.</param>
    /// <param name="mode">The connection's span mode.</param>
    /// <param name="declared">The divergences the case declares.</param>
    /// <param name="expand">The expansion request, when the request was one.</param>
    /// <param name="dylibPath">The dylib path of a ListMacros request.</param>
    public static void AssertEquivalent(string what, byte[] ours, byte[] reference, SpanMode mode,
        IReadOnlyCollection<Divergence> declared, BuiltRequest? expand = null, string? dylibPath = null)
    {
        var applicable = declared.Where(d => d.IsInResponse() && d.AppliesTo(mode)).ToHashSet();
        var globals = expand?.Globals;
        if (ours.AsSpan().SequenceEqual(reference))
        {
            if (applicable.Count > 0)
                Assert.Fail($"{what}: the responses are byte-identical, but the case declares {string.Join(", ", applicable)}. " +
                            "The divergence no longer shows here: remove the declaration (and its DIVERGENCES.md row if it is gone everywhere).");
            return;
        }
        if (applicable.Count == 0) Assert.Fail(TreeDump.Explain(what, ours, reference, globals));

        var normalized = reference;
        var shown = new HashSet<Divergence>();
        if (applicable.Contains(Divergence.LoadErrorReason))
        {
            normalized = NormalizeLoadError(what, normalized, ours, dylibPath ?? expand?.Request.Lib
                ?? throw new ArgumentException("LoadErrorReason needs the dylib path"));
            shown.Add(Divergence.LoadErrorReason);
        }
        var treeRules = applicable.Where(d => d.IsInTree()).ToHashSet();
        if (treeRules.Count > 0)
        {
            var normalizer = new TreeNormalizer(expand ?? throw new ArgumentException("tree divergences need the request"), treeRules);
            normalized = normalizer.Normalize(normalized, ours);
            shown.UnionWith(normalizer.Shown);
        }
        var missing = applicable.Except(shown).ToList();
        if (missing.Count > 0)
            Assert.Fail($"{what}: the case declares {string.Join(", ", missing)}, but the reference's response does not show it.\n" +
                        TreeDump.Explain(what, ours, reference, globals));
        if (!ours.AsSpan().SequenceEqual(normalized))
            Assert.Fail(TreeDump.Explain(what, ours, reference, globals, normalized));
    }

    /// <summary>
    /// <see cref="Divergence.LoadErrorReason"/>: both are errors of the same response variant whose
    /// text is identical up to and including <c>Cannot create expander for &lt;path&gt;: </c>, and ours
    /// has a non-empty reason after it. The reference's reason is then replaced with ours.
    /// </summary>
    private static byte[] NormalizeLoadError(string what, byte[] reference, byte[] ours, string path)
    {
        var refResponse = JsonLegacyReader.ReadResponse(reference);
        var ourResponse = JsonLegacyReader.ReadResponse(ours);
        Assert.True(refResponse.GetType() == ourResponse.GetType(),
            $"{what}: response variants differ: ours {ourResponse.GetType().Name}, reference {refResponse.GetType().Name}");
        var refError = ErrorOf(refResponse) ?? throw new Xunit.Sdk.XunitException($"{what}: the reference did not answer with an error: {Encoding.UTF8.GetString(reference)}");
        var ourError = ErrorOf(ourResponse) ?? throw new Xunit.Sdk.XunitException($"{what}: we did not answer with an error: {Encoding.UTF8.GetString(ours)}");
        var marker = $"Cannot create expander for {path}: ";
        var refAt = refError.IndexOf(marker, StringComparison.Ordinal);
        var ourAt = ourError.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(refAt >= 0, $"{what}: the reference's error does not contain `{marker}`: {refError}");
        Assert.True(ourAt >= 0, $"{what}: our error does not contain `{marker}`: {ourError}");
        var prefixLength = refAt + marker.Length;
        Assert.Equal(refError[..prefixLength], ourError[..(ourAt + marker.Length)]);
        Assert.True(ourError.Length > prefixLength && !string.IsNullOrWhiteSpace(ourError[prefixLength..]),
            $"{what}: our error gives no reason after the prefix: {ourError}");
        return JsonLegacyWriter.EncodeResponse(WithError(refResponse, ourError));
    }

    public static string? ErrorOf(Response response) => response switch
    {
        ListMacrosResponse r => r.Error,
        ExpandMacroResponse r => r.Error,
        ExpandMacroExtendedResponse r => r.Error,
        _ => null,
    };

    private static Response WithError(Response response, string error) => response switch
    {
        ListMacrosResponse => ListMacrosResponse.Err(error),
        ExpandMacroResponse => ExpandMacroResponse.Err(error),
        ExpandMacroExtendedResponse => ExpandMacroExtendedResponse.Err(error),
        _ => throw new ArgumentException("not an error response", nameof(response)),
    };
}
