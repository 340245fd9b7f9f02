namespace ProcMacroSrv.Client;

/// <summary>How <see cref="ProcMacroServerProcess.Start"/> runs a server.</summary>
public sealed class ProcMacroServerOptions
{
    /// <summary>
    /// Variables to add to the inherited environment; a null value removes the variable. The
    /// gate variable <c>RUST_ANALYZER_INTERNALS_DO_NOT_USE</c> is always set, after these.
    /// </summary>
    public IDictionary<string, string?> Environment { get; } = new Dictionary<string, string?>(StringComparer.Ordinal);

    /// <summary>
    /// The sysroot the server belongs to, if known. As rust-analyzer does, it becomes
    /// <c>RUSTUP_TOOLCHAIN</c> unless that is already set, and on Windows its <c>bin</c>
    /// directory (the server's grandparent) is put first on <c>PATH</c>.
    /// </summary>
    public string? Sysroot { get; set; }

    /// <summary>Extra command-line arguments. rust-analyzer passes none, which selects json-legacy.</summary>
    public IList<string> Arguments { get; } = [];

    /// <summary>The working directory, or null for the client's own, which is what rust-analyzer uses.</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>
    /// True to capture stderr (kept for error messages, see
    /// <see cref="ProcMacroServerProcess.StandardError"/>); false to inherit it, as rust-analyzer does.
    /// </summary>
    public bool CaptureStandardError { get; set; } = true;

    /// <summary>How long one request may take before the server is considered hung and is killed. Infinite by default, as in rust-analyzer.</summary>
    public TimeSpan RequestTimeout { get; set; } = Timeout.InfiniteTimeSpan;

    /// <summary>How long disposing waits for the server to exit after its stdin is closed, before killing it.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
