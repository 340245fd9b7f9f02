using ProcMacroSrv.Fixtures;

namespace ProcMacroSrv.Reliability.Tests.Support;

/// <summary>The fixture dylibs the reliability tests use: the rustup-stable build (built once per run).</summary>
internal static class Dylibs
{
    public static FixtureDylibs Stable => FixtureCrates.Build(Toolchains.Stable);
}
