namespace ProcMacroSrv.Fixtures;

/// <summary>The toolchains the tests use (see scripts/install-deps.sh and docs on bridge ABIs).</summary>
public static class Toolchains
{
    /// <summary>rustup <c>stable</c> (1.95 at the time of writing; bridge ABI of 1.95+).</summary>
    public static Toolchain Stable { get; } = new("stable", ToolchainKind.Rustup);

    /// <summary>rustup <c>nightly</c> (1.97-nightly at the time of writing).</summary>
    public static Toolchain Nightly { get; } = new("nightly", ToolchainKind.Rustup);

    /// <summary>Debian's rustc 1.63 (oldest bridge ABI; no reference server; builds pm-basics only).</summary>
    public static Toolchain Debian163 { get; } = new("1.63", ToolchainKind.Debian);

    /// <summary>Debian's rustc-web 1.85.</summary>
    public static Toolchain Debian185 { get; } = new("1.85", ToolchainKind.Debian);

    /// <summary>Debian's rustc-web 1.96.</summary>
    public static Toolchain Debian196 { get; } = new("1.96", ToolchainKind.Debian);

    /// <summary>All of them, oldest first: 1.63, 1.85, stable, 1.96, nightly.</summary>
    public static IReadOnlyList<Toolchain> All { get; } = [Debian163, Debian185, Stable, Debian196, Nightly];

    /// <summary>The toolchain called <paramref name="name"/> (<c>stable</c>, <c>nightly</c>, <c>1.63</c>, <c>1.85</c>, <c>1.96</c>).</summary>
    public static Toolchain Get(string name) =>
        All.FirstOrDefault(t => t.Name == name)
        ?? throw new ArgumentException(
            $"Unknown toolchain '{name}'; known: {string.Join(", ", All.Select(t => t.Name))}.", nameof(name));
}
