namespace ProcMacroSrv.Inspection.Tests.Support;

/// <summary>
/// The rustc toolchains the tests build proc-macro dylibs with, and where they live. This is the
/// only place that knows toolchain locations.
/// </summary>
/// <remarks>
/// A missing toolchain fails the tests that need it (never skips them), with a message naming the
/// toolchain and how to install it: on CI (CI=true) that is required, and locally a loud failure
/// is more useful than a quiet skip that hides untested metadata layouts.
/// </remarks>
internal sealed record Toolchain(string Name, string Program, IReadOnlyList<string> LeadingArguments, string InstallHint)
{
    /// <summary>rustup's stable toolchain (metadata version 10).</summary>
    public static readonly Toolchain Stable = Rustup("stable");

    /// <summary>rustup's nightly toolchain (metadata version 10).</summary>
    public static readonly Toolchain Nightly = Rustup("nightly");

    /// <summary>Debian's rustc 1.63 (metadata version 6, snappy-compressed).</summary>
    public static readonly Toolchain Debian163 = Debian("1.63");

    /// <summary>Debian's rustc-web 1.85 (metadata version 9).</summary>
    public static readonly Toolchain Debian185 = Debian("1.85");

    public static Toolchain ByName(string name) =>
        new[] { Stable, Nightly, Debian163, Debian185 }.Single(t => t.Name == name);

    /// <summary>Arguments for one rustc invocation: the toolchain selector, if any, then <paramref name="arguments"/>.</summary>
    public IEnumerable<string> Arguments(params string[] arguments) => LeadingArguments.Concat(arguments);

    /// <summary>Fails with an actionable message if the toolchain is not installed.</summary>
    public void EnsureInstalled()
    {
        string problem;
        if (Path.IsPathRooted(Program))
        {
            if (File.Exists(Program))
            {
                return;
            }

            problem = $"{Program} does not exist";
        }
        else
        {
            try
            {
                ExternalCommand.Result result = ExternalCommand.Run(Program, Arguments("-V"));
                if (result.ExitCode == 0)
                {
                    return;
                }

                problem = $"`{Program} {string.Join(' ', Arguments("-V"))}` failed: {result.Stderr.Trim()}";
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                problem = $"cannot run {Program}: {e.Message}";
            }
        }

        string ci = Environment.GetEnvironmentVariable("CI") == "true" ? " (CI=true: a missing toolchain fails the run.)" : "";
        Assert.Fail($"rustc toolchain `{Name}` is missing: {problem}. Install it with {InstallHint}.{ci}");
    }

    /// <summary>What <c>rustc -V</c> prints, which must equal the version string the dylib carries.</summary>
    public string VersionOutput()
    {
        EnsureInstalled();
        return ExternalCommand.RunChecked(Program, Arguments("-V")).Trim();
    }

    /// <summary>The key/value lines of <c>rustc -vV</c> (release, commit-hash, commit-date, …).</summary>
    public IReadOnlyDictionary<string, string> VerboseVersion()
    {
        EnsureInstalled();
        return ExternalCommand.RunChecked(Program, Arguments("-vV"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(": ", 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0], parts => parts[1].Trim());
    }

    private static Toolchain Rustup(string channel) =>
        new(channel, "rustc", [$"+{channel}"], $"`rustup toolchain install {channel}`");

    private static Toolchain Debian(string version) =>
        new($"debian-{version}", $"/opt/rustc-{version}/bin/rustc", [],
            $"scripts/install-deps.sh (run as root; it unpacks Debian's rustc {version} into /opt/rustc-{version})");
}
