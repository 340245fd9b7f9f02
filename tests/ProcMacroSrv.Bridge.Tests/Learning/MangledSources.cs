using ProcMacroSrv.Bridge.Abi.Learning;

namespace ProcMacroSrv.Bridge.Tests.Learning;

/// <summary>A private copy of a toolchain's bridge directory that a test may edit.</summary>
internal sealed class MangledSources : IDisposable
{
    private MangledSources(string directory) => Directory = directory;

    /// <summary>The copy (a bridge directory: mod.rs, client.rs, …).</summary>
    public string Directory { get; }

    /// <summary>The copy as a location to learn from.</summary>
    public BridgeSourceLocation Location =>
        BridgeSourceLocator.FromDirectory(Directory) ?? throw new InvalidOperationException($"{Directory} is not a bridge directory");

    /// <summary>Copies the bridge sources of <paramref name="sysroot"/> in <paramref name="layout"/>; fails loudly when absent.</summary>
    public static MangledSources CopyOf(string sysroot, BridgeSourceLayout layout)
    {
        var source = BridgeSourceLocator.FindAll(sysroot).FirstOrDefault(l => l.Layout == layout);
        Assert.True(source is not null, $"{sysroot} has no {layout} bridge sources");
        var target = Path.Combine(Path.GetTempPath(), "pms-bridge-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(target);
        foreach (var file in System.IO.Directory.EnumerateFiles(source.Directory))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }
        return new MangledSources(target);
    }

    /// <summary>Replaces <paramref name="old"/> (which must occur) in one file.</summary>
    public MangledSources Replace(string file, string old, string replacement)
    {
        var path = Path.Combine(Directory, file);
        var text = File.ReadAllText(path);
        Assert.True(text.Contains(old, StringComparison.Ordinal), $"{file} does not contain `{old}`: the test's edit no longer applies");
        File.WriteAllText(path, text.Replace(old, replacement, StringComparison.Ordinal));
        return this;
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
