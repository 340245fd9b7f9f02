namespace ProcMacroSrv.Fixtures;

/// <summary>
/// A prerequisite of the fixtures is missing (a toolchain, rustup, the repository layout).
/// The message says what is missing and how to install it; tests must fail with it, not skip.
/// </summary>
public sealed class FixtureSetupException : Exception
{
    /// <summary>How the prerequisites are installed, appended to every message.</summary>
    internal const string InstallHint =
        "Run `scripts/install-deps.sh` as root (installs Debian's rustc 1.63/1.85/1.96 under /opt/rustc-<ver>, "
        + "the librust-*-dev crate sources and the C toolchain, and checks rustup's stable and nightly).";

    public FixtureSetupException(string message)
        : base(message)
    {
    }

    public FixtureSetupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Building the fixture crates failed: the message has the command and its diagnostics.</summary>
public sealed class FixtureBuildException : Exception
{
    public FixtureBuildException(string message)
        : base(message)
    {
    }

    public FixtureBuildException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
