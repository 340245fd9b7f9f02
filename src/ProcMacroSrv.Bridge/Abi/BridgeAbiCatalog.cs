using ProcMacroSrv.Inspection;

namespace ProcMacroSrv.Bridge.Abi;

/// <summary>No bridge ABI is known for the rustc that built a dylib: loading it would be a guess.</summary>
public sealed class UnknownBridgeAbiException : Exception
{
    /// <summary>Creates the exception for a dylib's rustc version.</summary>
    public UnknownBridgeAbiException(RustcVersion version)
        : base($"no bridge ABI known for rustc {version.Major}.{version.Minor}.{version.Patch} ({version.Raw})") => Version = version;

    /// <summary>The dylib's rustc version.</summary>
    public RustcVersion Version { get; }
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
}
