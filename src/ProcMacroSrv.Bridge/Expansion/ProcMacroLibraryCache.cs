using ProcMacroSrv.Inspection;

namespace ProcMacroSrv.Bridge.Expansion;

/// <summary>
/// Loaded dylibs by canonical path and modification time. A changed file is loaded again; since
/// the dynamic loader would hand back the old copy for the same path, the new file is opened
/// from a private copy, which is deleted as soon as it is mapped (so nothing is left behind even
/// if the process is killed). Libraries are never unloaded (a Rust dylib's TLS and statics forbid it).
/// </summary>
public sealed class ProcMacroLibraryCache : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (DateTime Modified, ProcMacroLibrary Library)> _loaded = new(StringComparer.Ordinal);
    // The same path string, unchanged since it was last looked up: one stat instead of an inspection.
    private readonly Dictionary<string, (DateTime Modified, ProcMacroLibrary Library)> _byRequestedPath = new(StringComparer.Ordinal);
    private int _copyCount;

    /// <summary>The library at <paramref name="path"/>, loading it or reloading it when the file changed.</summary>
    public ProcMacroLibrary Get(string path)
    {
        lock (_lock)
        {
            if (_byRequestedPath.TryGetValue(path, out var seen) && File.GetLastWriteTimeUtc(path) == seen.Modified) return seen.Library;
        }
        var info = DylibInspector.Inspect(path);
        lock (_lock)
        {
            var library = LoadOrReuse(info);
            _byRequestedPath[path] = (info.LastWriteTimeUtc, library);
            return library;
        }
    }

    private ProcMacroLibrary LoadOrReuse(DylibInfo info)
    {
        if (_loaded.TryGetValue(info.Path, out var cached) && cached.Modified == info.LastWriteTimeUtc) return cached.Library;
        string? openPath = null;
        if (cached.Library is not null)
        {
            openPath = Path.Combine(Path.GetTempPath(), $"proc-macro-srv-{Environment.ProcessId}-{_copyCount++}-{Path.GetFileName(info.Path)}");
            File.Copy(info.Path, openPath, overwrite: true);
        }
        try
        {
            var library = ProcMacroLibrary.Load(info, openPath);
            _loaded[info.Path] = (info.LastWriteTimeUtc, library);
            return library;
        }
        finally
        {
            // The mapping stays valid after unlink.
            if (openPath is not null) File.Delete(openPath);
        }
    }

    /// <summary>Nothing to release: private copies are deleted when loaded, libraries are never unloaded.</summary>
    public void Dispose()
    {
    }
}
