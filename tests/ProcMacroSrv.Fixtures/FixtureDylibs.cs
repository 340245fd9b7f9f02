namespace ProcMacroSrv.Fixtures;

/// <summary>
/// The proc-macro dylibs of the fixture workspace built by one toolchain, by crate name
/// (the library name, with underscores: <c>pm_basics</c>, <c>serde_derive</c>, <c>thiserror_impl</c>).
/// </summary>
public sealed class FixtureDylibs
{
    private readonly IReadOnlyDictionary<string, string> _dylibs;

    internal FixtureDylibs(Toolchain toolchain, string targetDirectory, IReadOnlyDictionary<string, string> dylibs)
    {
        Toolchain = toolchain;
        TargetDirectory = targetDirectory;
        _dylibs = dylibs;
    }

    /// <summary>The proc-macro crates the real-macros crate depends on (library names).</summary>
    public static IReadOnlyList<string> RealMacroCrates { get; } =
    [
        "serde_derive", "thiserror_impl", "async_trait", "clap_derive", "tracing_attributes",
        "pin_project_internal", "derive_more", "strum_macros", "tokio_macros",
    ];

    public Toolchain Toolchain { get; }

    /// <summary>The target directory, artifacts/fixtures/&lt;toolchain&gt;/.</summary>
    public string TargetDirectory { get; }

    /// <summary>Every proc-macro dylib of this build, by library name (also proc-macro dependencies such as proc_macro_error_attr).</summary>
    public IReadOnlyDictionary<string, string> All => _dylibs;

    /// <summary>fixtures/pm-basics (every toolchain).</summary>
    public string PmBasics => Get("pm_basics");

    /// <summary>fixtures/pm-modern (rustc ≥ 1.88: stable, 1.96, nightly).</summary>
    public string PmModern => Get("pm_modern");

    /// <summary>fixtures/pm-probe, the conformance probe (rustc ≥ 1.88: stable, 1.96, nightly).</summary>
    public string PmProbe => Get("pm_probe");

    /// <summary>pm-hostile: macros that crash, abort, exit, overflow their stack, hang or exhaust memory.</summary>
    public string PmHostile => Get("pm_hostile");

    /// <summary>fixtures/demo-macros (every toolchain but 1.63).</summary>
    public string DemoMacros => Get("demo_macros");

    /// <summary>The dylib of a real-world proc-macro crate, e.g. <c>RealMacro("serde_derive")</c> (every toolchain but 1.63).</summary>
    public string RealMacro(string crateName) => Get(crateName);

    /// <summary>Whether this build has the crate (<c>-</c> and <c>_</c> are interchangeable).</summary>
    public bool Contains(string crateName) => _dylibs.ContainsKey(Normalize(crateName));

    private string Get(string crateName)
    {
        if (_dylibs.TryGetValue(Normalize(crateName), out var path))
        {
            return path;
        }

        throw new FixtureSetupException(
            $"The {Toolchain.Name} fixture build has no proc-macro crate '{crateName}' "
            + $"(built for {Toolchain.Name}: {string.Join(", ", _dylibs.Keys.Order(StringComparer.Ordinal))}). "
            + "1.63 builds pm-basics only; pm-modern needs rustc ≥ 1.88 (see FixtureCrates.Packages).");
    }

    internal static string Normalize(string crateName) => crateName.Replace('-', '_');
}
