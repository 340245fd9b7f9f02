using ProcMacroSrv.Client;
using ProcMacroSrv.Fixtures;

namespace ProcMacroSrv.Server.Tests.Support;

/// <summary>Which server a connection talks to.</summary>
internal enum ServerKind
{
    /// <summary>Our <c>proc-macro-srv</c> executable (the apphost next to the test assembly).</summary>
    Ours,

    /// <summary>The rustup-stable toolchain's <c>rust-analyzer-proc-macro-srv</c>.</summary>
    Reference,
}

/// <summary>The two executables under test, and the fixture dylibs they expand (built once per test run).</summary>
internal static class Servers
{

    private static readonly Lazy<string> s_ours = new(LocateOurs);

    /// <summary>
    /// Our server as rust-analyzer would run it: the apphost <c>proc-macro-srv</c>, which the
    /// project reference copies next to the test assembly. Missing means the build is broken: fail.
    /// </summary>
    public static string Ours => s_ours.Value;

    /// <summary><c>&lt;stable sysroot&gt;/libexec/rust-analyzer-proc-macro-srv</c>; throws (with an install hint) when absent.</summary>
    public static string Reference => Toolchains.Stable.ReferenceServer;

    /// <summary>The toolchain whose reference server and dylibs a connection uses unless told otherwise.</summary>
    public static Toolchain DefaultToolchain => Toolchains.Stable;

    /// <summary>The fixture crates and the real Debian proc macros, built by rustup stable (the reference's ABI).</summary>
    public static FixtureDylibs Dylibs => FixtureCrates.Build(Toolchains.Stable);

    public static string PathOf(ServerKind kind, Toolchain? toolchain = null) =>
        kind == ServerKind.Ours ? Ours : (toolchain ?? DefaultToolchain).ReferenceServer;

    /// <summary>Options as rust-analyzer would spawn with: sysroot known, stderr captured only so failures can show it.</summary>
    public static ProcMacroServerOptions RustAnalyzerOptions(Toolchain? toolchain = null) =>
        new() { Sysroot = (toolchain ?? DefaultToolchain).Sysroot, CaptureStandardError = true };

    private static string LocateOurs() => ServerUnderTest.Path;
}
