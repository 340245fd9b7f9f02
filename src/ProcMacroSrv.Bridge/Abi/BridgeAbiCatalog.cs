using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using ProcMacroSrv.Bridge.Abi.Learning;
using ProcMacroSrv.Inspection;

namespace ProcMacroSrv.Bridge.Abi;

/// <summary>No bridge ABI is known for the rustc that built a dylib: loading it would be a guess.</summary>
public sealed class UnknownBridgeAbiException : Exception
{
    /// <summary>Creates the exception for a dylib's rustc version.</summary>
    public UnknownBridgeAbiException(RustcVersion version)
        : base($"no bridge ABI known for rustc {version.Major}.{version.Minor}.{version.Patch} ({version.Raw})") => Version = version;

    /// <summary>Creates the exception with the reason no table could be learned either.</summary>
    public UnknownBridgeAbiException(RustcVersion version, string learningFailure)
        : base($"no bridge ABI known for rustc {version.Major}.{version.Minor}.{version.Patch} ({version.Raw}): no built-in table, and none could be learned: {learningFailure}")
    {
        Version = version;
        LearningFailure = learningFailure;
    }

    /// <summary>The dylib's rustc version.</summary>
    public RustcVersion Version { get; }

    /// <summary>Why learning a table from the toolchain's sources failed, when it was tried.</summary>
    public string? LearningFailure { get; }
}

/// <summary>
/// The built-in bridge ABIs and which rustc versions use them. A wrong table kills the process
/// (the client aborts or jumps through a data pointer), so only verified versions are listed.
/// </summary>
public static class BridgeAbiCatalog
{
    private static readonly Lazy<BridgeAbi> A63 = new(Abi63.Create);
    private static readonly Lazy<BridgeAbi> A85 = new(Abi85.Create);
    private static readonly Lazy<BridgeAbi> A95 = new(Abi95.Create);

    /// <summary>Every built-in ABI.</summary>
    public static IReadOnlyList<BridgeAbi> BuiltIn => [A63.Value, A85.Value, A95.Value];

    /// <summary>The ABI for a rustc version, or null when none is known.</summary>
    public static BridgeAbi? TryFor(RustcVersion version) => (version.Major, version.Minor) switch
    {
        // 1.95 (rustup), 1.96 (Debian) and 1.97-nightly bridges were verified byte-identical on the wire.
        (1, 63) => A63.Value,
        (1, 85) => A85.Value,
        (1, 95) or (1, 96) or (1, 97) => A95.Value,
        _ => null,
    };

    /// <summary>The ABI for a rustc version.</summary>
    /// <exception cref="UnknownBridgeAbiException">No ABI is known for it.</exception>
    public static BridgeAbi For(RustcVersion version) => TryFor(version) ?? throw new UnknownBridgeAbiException(version);

    // Learning reads files and runs `rustc -V` per toolchain: once per version string and process.
    private static readonly ConcurrentDictionary<string, Lazy<(ResolvedBridgeAbi? Resolved, string? Failure)>> Learned = new(StringComparer.Ordinal);

    /// <summary>
    /// The ABI for a rustc version: the built-in table when there is one, otherwise a table learned
    /// from the bridge sources of the installed toolchain with exactly that version string
    /// (<see cref="BridgeAbiLearner.TryLearnFor"/>).
    /// </summary>
    /// <param name="version">The dylib's rustc version.</param>
    /// <param name="resolved">The table and its origin.</param>
    /// <param name="failure">Why there is none (with what learning tried).</param>
    public static bool TryResolve(RustcVersion version, [NotNullWhen(true)] out ResolvedBridgeAbi? resolved, [NotNullWhen(false)] out string? failure) =>
        TryResolve(version, useBuiltIn: true, out resolved, out failure);

    /// <summary>Like <see cref="TryResolve(RustcVersion, out ResolvedBridgeAbi?, out string?)"/>, throwing when there is no table.</summary>
    /// <exception cref="UnknownBridgeAbiException">No built-in table, and none could be learned.</exception>
    public static ResolvedBridgeAbi Resolve(RustcVersion version) => Resolve(version, useBuiltIn: true);

    /// <summary>Resolution with the built-in tables optionally skipped, so tests can serve known versions with learned tables.</summary>
    internal static ResolvedBridgeAbi Resolve(RustcVersion version, bool useBuiltIn) =>
        TryResolve(version, useBuiltIn, out var resolved, out var failure) ? resolved : throw new UnknownBridgeAbiException(version, failure);

    internal static bool TryResolve(RustcVersion version, bool useBuiltIn, [NotNullWhen(true)] out ResolvedBridgeAbi? resolved, [NotNullWhen(false)] out string? failure)
    {
        ArgumentNullException.ThrowIfNull(version);
        if (useBuiltIn && TryFor(version) is { } builtIn)
        {
            resolved = new ResolvedBridgeAbi(builtIn, ResolvedBridgeAbi.BuiltInOrigin);
            failure = null;
            return true;
        }
        (resolved, failure) = Learned.GetOrAdd(version.Raw, _ => new(() =>
            BridgeAbiLearner.TryLearnFor(version, out var learned, out var why) ? (learned, null) : (null, why))).Value;
        return resolved is not null;
    }
}
