namespace ProcMacroSrv.Inspection.Tests.Support;

/// <summary>
/// Where tests write files: a directory under the test output, emptied once per test run, with a
/// fresh subdirectory per caller so that tests running in parallel never share a name.
/// </summary>
internal static class TestFiles
{
    private static readonly Lazy<string> Root = new(() =>
    {
        string root = Path.Combine(AppContext.BaseDirectory, "inspection-test-files");
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        Directory.CreateDirectory(root);
        return root;
    });

    /// <summary>A new, empty directory whose name starts with <paramref name="label"/>.</summary>
    public static string NewDirectory(string label)
    {
        string directory = Path.Combine(Root.Value, $"{label}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        return directory;
    }

    /// <summary>A path for a new file in a new directory.</summary>
    public static string NewPath(string fileName) => Path.Combine(NewDirectory(Path.GetFileNameWithoutExtension(fileName)), fileName);

    /// <summary>Writes <paramref name="bytes"/> to a new file and returns its path.</summary>
    public static string Write(string fileName, byte[] bytes)
    {
        string path = NewPath(fileName);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Copies <paramref name="source"/>, lets <paramref name="patch"/> change the bytes, and returns the copy's path.</summary>
    public static string PatchedCopy(string source, string fileName, Action<byte[]> patch)
    {
        byte[] bytes = File.ReadAllBytes(source);
        patch(bytes);
        return Write(fileName, bytes);
    }
}
