using ProcMacroSrv.Fixtures;

namespace ProcMacroSrv.Reliability.Tests.Support;

/// <summary>The fixture dylibs the reliability tests use: the rustup-stable build (built once per run).</summary>
internal static class Dylibs
{
    public static FixtureDylibs Stable => FixtureCrates.Build(Toolchains.Stable);
}

/// <summary>A directory under the system temp directory, removed on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory(string purpose)
    {
        Path = Directory.CreateTempSubdirectory($"pms-reliability-{purpose}-").FullName;
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
