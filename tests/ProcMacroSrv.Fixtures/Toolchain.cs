namespace ProcMacroSrv.Fixtures;

/// <summary>Where a toolchain comes from.</summary>
public enum ToolchainKind
{
    /// <summary>A rustup toolchain (<c>stable</c>, <c>nightly</c>), run as <c>cargo +name</c>.</summary>
    Rustup,

    /// <summary>A Debian rustc unpacked under /opt/rustc-&lt;ver&gt; by scripts/install-deps.sh.</summary>
    Debian,
}

/// <summary>
/// One Rust toolchain the tests build fixtures with. Construction never fails; the paths and
/// versions are looked up on first use and throw <see cref="FixtureSetupException"/> (saying
/// what is missing and how to install it) when the toolchain is not installed.
/// </summary>
public sealed class Toolchain
{
    /// <summary>Where scripts/install-deps.sh puts the Debian toolchains.</summary>
    public const string DebianPrefix = "/opt";

    private readonly Lazy<string> _sysroot;
    private readonly Lazy<string> _rustcVersion;

    internal Toolchain(string name, ToolchainKind kind)
    {
        Name = name;
        Kind = kind;
        // A failure is not remembered: the next test asks again and reports its own outcome,
        // instead of every later test of this toolchain failing with the first one's exception.
        _sysroot = new(() => RunRustc("--print", "sysroot"), LazyThreadSafetyMode.PublicationOnly);
        _rustcVersion = new(() => RunRustc("-V"), LazyThreadSafetyMode.PublicationOnly);
    }

    /// <summary><c>stable</c>, <c>nightly</c>, <c>1.63</c>, <c>1.85</c> or <c>1.96</c>.</summary>
    public string Name { get; }

    public ToolchainKind Kind { get; }

    /// <summary>For Debian toolchains: /opt/rustc-&lt;ver&gt;; null for rustup toolchains.</summary>
    public string? DebianDirectory => Kind == ToolchainKind.Debian ? Path.Combine(DebianPrefix, "rustc-" + Name) : null;

    /// <summary>
    /// The rustc to run: for rustup the real binary in the sysroot (<c>&lt;sysroot&gt;/bin/rustc</c>),
    /// for Debian the wrapper /opt/rustc-&lt;ver&gt;/bin/rustc (it sets LD_LIBRARY_PATH).
    /// </summary>
    public string RustcPath => Kind == ToolchainKind.Rustup
        ? RequireFile(Path.Combine(Sysroot, "bin", "rustc"), $"rustup toolchain '{Name}' has no rustc")
        : RequireDebianTool("rustc");

    /// <summary>
    /// The cargo to run: for rustup the <c>cargo</c> proxy (pass <see cref="CargoToolchainArguments"/>
    /// first), for Debian the wrapper /opt/rustc-&lt;ver&gt;/bin/cargo (cargo 0.66 for 1.63).
    /// </summary>
    public string CargoPath => Kind == ToolchainKind.Rustup
        ? RequireRustupToolchain(Path.Combine(Rustup.ProxyDirectory, "cargo"))
        : RequireDebianTool("cargo");

    /// <summary><c>["+stable"]</c> / <c>["+nightly"]</c> for rustup toolchains, empty for Debian ones.</summary>
    public IReadOnlyList<string> CargoToolchainArguments => Kind == ToolchainKind.Rustup ? ["+" + Name] : [];

    /// <summary><c>rustc --print sysroot</c> (Debian: /opt/rustc-&lt;ver&gt;/usr).</summary>
    public string Sysroot => _sysroot.Value;

    /// <summary>
    /// <c>rustc -V</c>, e.g. <c>rustc 1.95.0 (59807616e 2026-04-14)</c>: the string the toolchain writes
    /// into its proc-macro dylibs and that its reference server requires.
    /// </summary>
    public string RustcVersion => _rustcVersion.Value;

    /// <summary>
    /// Whether this toolchain ships rust-analyzer-proc-macro-srv (all but Debian's 1.63).
    /// </summary>
    public bool ShipsReferenceServer => Name != "1.63";

    /// <summary>
    /// The toolchain's own proc-macro server: <c>&lt;sysroot&gt;/libexec/rust-analyzer-proc-macro-srv</c>
    /// for rustup, the wrapper /opt/rustc-&lt;ver&gt;/bin/rust-analyzer-proc-macro-srv for Debian.
    /// It only accepts dylibs built by exactly this toolchain. Throws for 1.63 (none shipped).
    /// </summary>
    public string ReferenceServer
    {
        get
        {
            if (!ShipsReferenceServer)
            {
                throw new FixtureSetupException(
                    $"Debian's rustc {Name} ships no rust-analyzer-proc-macro-srv: there is no reference server for {Name}.");
            }

            return Kind == ToolchainKind.Rustup
                ? RequireFile(
                    Path.Combine(Sysroot, "libexec", "rust-analyzer-proc-macro-srv"),
                    $"rustup toolchain '{Name}' has no rust-analyzer-proc-macro-srv (it comes with the rustc component)")
                : RequireDebianTool("rust-analyzer-proc-macro-srv");
        }
    }

    public override string ToString() => Name;

    private string RunRustc(params string[] arguments)
    {
        ProcessResult result = Kind == ToolchainKind.Rustup
            ? ProcessRunner.Run(RequireRustupToolchain(Path.Combine(Rustup.ProxyDirectory, "rustc")), ["+" + Name, .. arguments])
            : ProcessRunner.Run(RequireDebianTool("rustc"), arguments);
        if (!result.Succeeded)
        {
            throw new FixtureSetupException(
                $"`{result.CommandLine}` failed (exit code {result.ExitCode}):\n{result.StandardErrorTail()}\n{FixtureSetupException.InstallHint}");
        }

        return result.StandardOutput.Trim();
    }

    private string RequireDebianTool(string tool)
    {
        var path = Path.Combine(DebianDirectory!, "bin", tool);
        return RequireFile(path, $"Debian's rustc {Name} is not installed");
    }

    private string RequireRustupToolchain(string proxy)
    {
        if (!Rustup.InstalledToolchains.Any(t => t == Name || t.StartsWith(Name + "-", StringComparison.Ordinal)))
        {
            throw new FixtureSetupException(
                $"rustup toolchain '{Name}' is not installed (rustup: {Rustup.Path}). "
                + $"Install it with `rustup toolchain install {Name} --profile minimal`; scripts/install-deps.sh checks for it.");
        }

        return RequireFile(proxy, $"rustup's {System.IO.Path.GetFileName(proxy)} proxy is missing");
    }

    private static string RequireFile(string path, string what) =>
        File.Exists(path)
            ? path
            : throw new FixtureSetupException($"{what}: {path} does not exist. {FixtureSetupException.InstallHint}");
}
