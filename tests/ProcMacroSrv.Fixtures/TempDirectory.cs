namespace ProcMacroSrv.Fixtures;

/// <summary>A new directory under the system temp directory, removed (best effort) on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    /// <summary>Creates the directory; its name starts with <paramref name="prefix"/>.</summary>
    public TempDirectory(string prefix)
    {
        Path = Directory.CreateTempSubdirectory(prefix).FullName;
    }

    /// <summary>The directory's full path.</summary>
    public string Path { get; }

    /// <summary>The path of <paramref name="name"/> in the directory.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Removes the directory and its contents; a failure is ignored.</summary>
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
