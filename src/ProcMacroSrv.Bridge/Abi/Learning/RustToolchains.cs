using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ProcMacroSrv.Bridge.Abi.Learning;

/// <summary>
/// The Rust toolchains installed on this machine, as sysroots, and the exact version string
/// (<c>rustc -V</c>) of each: the string a toolchain writes into the dylibs it builds, so a
/// dylib is matched to the toolchain that built it by plain string equality.
/// </summary>
public static partial class RustToolchains
{
    /// <summary>
    /// Environment variable with extra places to look, separated by the path separator: sysroots
    /// (matched by their version like the others) or bridge directories (trusted as given).
    /// </summary>
    public const string SourcesVariable = "PROC_MACRO_SRV_RUST_SOURCES";

    private static readonly ConcurrentDictionary<string, (string? Version, string? Failure)> Versions = new(StringComparer.Ordinal);

    /// <summary>
    /// Sysroots of the installed toolchains: rustup's (<c>$RUSTUP_HOME/toolchains/*</c>, default
    /// <c>~/.rustup</c>), Debian toolchains unpacked side by side (<c>/opt/rustc-*/usr</c>), and the
    /// system ones (<c>/usr</c>, <c>/usr/local</c>). Only directories with a <c>lib/rustlib</c> count.
    /// </summary>
    public static IReadOnlyList<string> InstalledSysroots()
    {
        var candidates = new List<string>();
        var userHome = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var rustupHome = Environment.GetEnvironmentVariable("RUSTUP_HOME") is { Length: > 0 } home
            ? home
            : userHome.Length > 0 ? Path.Combine(userHome, ".rustup") : null;
        if (rustupHome is not null) candidates.AddRange(Subdirectories(Path.Combine(rustupHome, "toolchains"), "*"));
        candidates.AddRange(Subdirectories("/opt", "rustc-*").Select(d => Path.Combine(d, "usr")));
        candidates.Add("/usr");
        candidates.Add("/usr/local");
        return candidates.Where(IsSysroot).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>The entries of <see cref="SourcesVariable"/>, in order (empty when unset).</summary>
    public static IReadOnlyList<string> ExplicitSources() =>
        (Environment.GetEnvironmentVariable(SourcesVariable) ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Whether <paramref name="directory"/> looks like a sysroot (has <c>lib/rustlib</c>).</summary>
    public static bool IsSysroot(string directory) => Directory.Exists(Path.Combine(directory, "lib", "rustlib"));

    /// <summary>
    /// The version string of the toolchain in <paramref name="sysroot"/>, e.g.
    /// <c>rustc 1.95.0 (59807616e 2026-04-14)</c>: the output of its <c>bin/rustc -V</c>, or, when
    /// that cannot run, the rustc version in rustup's channel manifest. Cached per sysroot.
    /// </summary>
    public static bool TryGetVersion(string sysroot, out string? version, out string? failure)
    {
        (version, failure) = Versions.GetOrAdd(Path.GetFullPath(sysroot), ReadVersion);
        return version is not null;
    }

    private static (string? Version, string? Failure) ReadVersion(string sysroot)
    {
        var rustc = Path.Combine(sysroot, "bin", "rustc");
        string? runFailure = null;
        if (File.Exists(rustc))
        {
            var (output, error) = RunVersion(rustc, sysroot);
            if (output is not null) return (output, null);
            runFailure = $"`{rustc} -V` failed: {error}";
        }
        else
        {
            runFailure = $"{rustc} does not exist";
        }

        // rustup records the exact version of every component it installed.
        var manifest = Path.Combine(sysroot, "lib", "rustlib", "multirust-channel-manifest.toml");
        if (File.Exists(manifest) && ManifestRustcVersion(File.ReadAllText(manifest)) is { } fromManifest)
        {
            return ("rustc " + fromManifest, null);
        }
        return (null, $"cannot tell which rustc {sysroot} belongs to: {runFailure}, and it has no rustup manifest with a rustc version");
    }

    /// <summary>The <c>version</c> of <c>[pkg.rustc]</c> in a rustup channel manifest, or null.</summary>
    internal static string? ManifestRustcVersion(string manifest)
    {
        var section = manifest.IndexOf("\n[pkg.rustc]", StringComparison.Ordinal);
        if (section < 0) return null;
        var next = manifest.IndexOf("\n[", section + 1, StringComparison.Ordinal);
        var body = next < 0 ? manifest[section..] : manifest[section..next];
        var match = ManifestVersion().Match(body);
        return match.Success ? match.Groups[1].Value : null;
    }

    private static (string? Output, string? Error) RunVersion(string rustc, string sysroot)
    {
        var start = new ProcessStartInfo(rustc, ["-V"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // rustup's rustc finds librustc_driver through its RUNPATH; Debian's has none and needs
        // the library directory (usr/lib/<multiarch>) on the loader path.
        var libraryDirectories = LibraryDirectories(sysroot);
        if (libraryDirectories.Count > 0)
        {
            var existing = Environment.GetEnvironmentVariable("LD_LIBRARY_PATH");
            start.Environment["LD_LIBRARY_PATH"] = string.Join(':', existing is { Length: > 0 } ? [.. libraryDirectories, existing] : libraryDirectories);
        }
        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(20)))
            {
                process.Kill();
                return (null, "timed out");
            }
            var output = stdout.Result.Trim();
            if (process.ExitCode == 0 && output.StartsWith("rustc ", StringComparison.Ordinal) && !output.Contains('\n')) return (output, null);
            return (null, $"exit code {process.ExitCode}: {(stderr.Result.Trim() is { Length: > 0 } e ? e : output)}");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return (null, e.Message);
        }
    }

    private static List<string> LibraryDirectories(string sysroot)
    {
        var lib = Path.Combine(sysroot, "lib");
        var directories = new List<string>();
        if (!Directory.Exists(lib)) return directories;
        if (Directory.EnumerateFiles(lib, "librustc_driver-*.so").Any()) directories.Add(lib);
        foreach (var sub in Directory.EnumerateDirectories(lib))
        {
            if (Directory.EnumerateFiles(sub, "librustc_driver-*.so").Any()) directories.Add(sub);
        }
        return directories;
    }

    private static IEnumerable<string> Subdirectories(string directory, string pattern) =>
        Directory.Exists(directory) ? Directory.EnumerateDirectories(directory, pattern).Order(StringComparer.Ordinal) : [];

    [GeneratedRegex("""(?m)^version\s*=\s*"([^"]+)"\s*$""")]
    private static partial Regex ManifestVersion();
}
