namespace ProcMacroSrv.Bridge.Abi.Learning;

/// <summary>How a toolchain ships the proc_macro bridge sources.</summary>
public enum BridgeSourceLayout
{
    /// <summary>rustup's rust-src component: <c>&lt;sysroot&gt;/lib/rustlib/src/rust/library/proc_macro/src/bridge/*.rs</c> (Debian links it too).</summary>
    RustSrc,
    /// <summary>Debian's rust-src / rust-web-src: <c>&lt;sysroot&gt;/src/rustc-&lt;ver&gt;/library/proc_macro/src/bridge/*.rs</c>.</summary>
    DebianSource,
    /// <summary>The rust-docs component: <c>&lt;sysroot&gt;/share/doc/rust/html/src/proc_macro/bridge/*.rs.html</c>.</summary>
    RustdocHtml,
    /// <summary>A bridge directory given directly (files <c>*.rs</c> or <c>*.rs.html</c>).</summary>
    Directory,
}

/// <summary>A directory holding the bridge sources (<c>mod.rs</c>, <c>client.rs</c>, …) and how they are stored.</summary>
/// <param name="Directory">The bridge directory.</param>
/// <param name="Layout">Which layout it was found in.</param>
public sealed record BridgeSourceLocation(string Directory, BridgeSourceLayout Layout)
{
    /// <summary>The file extension of the sources: <c>.rs.html</c> for rustdoc pages, <c>.rs</c> otherwise.</summary>
    public string Extension => Layout == BridgeSourceLayout.RustdocHtml || (Layout == BridgeSourceLayout.Directory && !System.IO.File.Exists(System.IO.Path.Combine(Directory, "mod.rs")))
        ? ".rs.html"
        : ".rs";

    /// <summary>The path of one bridge file, e.g. <c>File("client")</c>.</summary>
    public string File(string stem) => System.IO.Path.Combine(Directory, stem + Extension);

    /// <inheritdoc/>
    public override string ToString() => $"{Directory} ({Layout})";
}

/// <summary>Finds the proc_macro bridge sources inside a Rust sysroot.</summary>
public static class BridgeSourceLocator
{
    private static readonly string[] BridgeTail = ["library", "proc_macro", "src", "bridge"];

    /// <summary>Every layout of bridge sources present in <paramref name="sysroot"/>, preferred first (plain sources before rustdoc pages).</summary>
    public static IReadOnlyList<BridgeSourceLocation> FindAll(string sysroot)
    {
        var found = new List<BridgeSourceLocation>();
        var rustSrc = Path.Combine([sysroot, "lib", "rustlib", "src", "rust", .. BridgeTail]);
        if (IsBridgeDirectory(rustSrc, ".rs")) found.Add(new(rustSrc, BridgeSourceLayout.RustSrc));

        var debianRoot = Path.Combine(sysroot, "src");
        if (Directory.Exists(debianRoot))
        {
            // Debian installs one source tree per package version: src/rustc-1.85.0/.
            foreach (var tree in Directory.EnumerateDirectories(debianRoot, "rustc-*").Order(StringComparer.Ordinal))
            {
                var bridge = Path.Combine([tree, .. BridgeTail]);
                if (IsBridgeDirectory(bridge, ".rs")) found.Add(new(bridge, BridgeSourceLayout.DebianSource));
            }
        }

        var html = Path.Combine(sysroot, "share", "doc", "rust", "html", "src", "proc_macro", "bridge");
        if (IsBridgeDirectory(html, ".rs.html")) found.Add(new(html, BridgeSourceLayout.RustdocHtml));
        return found;
    }

    /// <summary>The preferred bridge sources of <paramref name="sysroot"/>, or null when it has none.</summary>
    public static BridgeSourceLocation? Find(string sysroot) => FindAll(sysroot) is [var first, ..] ? first : null;

    /// <summary>A bridge directory given directly, or null when it holds no <c>mod.rs</c> / <c>mod.rs.html</c>.</summary>
    public static BridgeSourceLocation? FromDirectory(string directory) =>
        IsBridgeDirectory(directory, ".rs") || IsBridgeDirectory(directory, ".rs.html")
            ? new BridgeSourceLocation(Path.GetFullPath(directory), BridgeSourceLayout.Directory)
            : null;

    private static bool IsBridgeDirectory(string directory, string extension) =>
        File.Exists(Path.Combine(directory, "mod" + extension)) && File.Exists(Path.Combine(directory, "client" + extension));
}
