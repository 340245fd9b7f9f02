using ProcMacroSrv.Inspection;

namespace ProcMacroSrv.Bridge.Expansion;

/// <summary>
/// Loaded dylibs by canonical path and modification time. A changed file is loaded again; since
/// the dynamic loader would hand back the old copy for the same path, the new file is opened
/// from a private copy. Libraries are never unloaded (a Rust dylib's TLS and statics forbid it).
/// </summary>
public sealed class ProcMacroLibraryCache : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (DateTime Modified, ProcMacroLibrary Library)> _loaded = new(StringComparer.Ordinal);
    private readonly string _copies = Path.Combine(Path.GetTempPath(), $"proc-macro-srv-{Environment.ProcessId}");
    private int _copyCount;

    /// <summary>The library at <paramref name="path"/>, loading it or reloading it when the file changed.</summary>
    public ProcMacroLibrary Get(string path)
    {
        var info = DylibInspector.Inspect(path);
        lock (_lock)
        {
            if (_loaded.TryGetValue(info.Path, out var cached) && cached.Modified == info.LastWriteTimeUtc) return cached.Library;
            string? openPath = null;
            if (cached.Library is not null)
            {
                Directory.CreateDirectory(_copies);
                openPath = Path.Combine(_copies, $"{_copyCount++}-{Path.GetFileName(info.Path)}");
                File.Copy(info.Path, openPath, overwrite: true);
            }
            var library = ProcMacroLibrary.Load(info, openPath);
            if (openPath is not null) File.Delete(openPath); // the mapping stays valid after unlink
            _loaded[info.Path] = (info.LastWriteTimeUtc, library);
            return library;
        }
    }

    /// <summary>Removes the directory of private copies.</summary>
    public void Dispose()
    {
        try
        {
            if (Directory.Exists(_copies)) Directory.Delete(_copies, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
