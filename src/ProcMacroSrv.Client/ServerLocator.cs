using System.Diagnostics;

namespace ProcMacroSrv.Client;

/// <summary>
/// Finds the proc-macro server of a Rust toolchain the way rust-analyzer does (protocol.md
/// section 1.1): in the sysroot that <c>rustc --print sysroot</c> reports.
/// </summary>
public static class ServerLocator
{
    /// <summary>The server's file name inside a sysroot (without <c>.exe</c>).</summary>
    public const string ServerName = "rust-analyzer-proc-macro-srv";

    /// <summary>
    /// The first existing candidate in <paramref name="sysroot"/>:
    /// <c>libexec/rust-analyzer-proc-macro-srv</c>, then <c>lib/rust-analyzer-proc-macro-srv</c>; on
    /// Windows each both as written and with <c>.exe</c>. Null when there is none.
    /// </summary>
    public static string? FindInSysroot(string sysroot)
    {
        ArgumentException.ThrowIfNullOrEmpty(sysroot);
        foreach (var directory in (ReadOnlySpan<string>)["libexec", "lib"])
        {
            var candidate = Path.Combine(sysroot, directory, ServerName);
            if (File.Exists(candidate)) return candidate;
            if (OperatingSystem.IsWindows() && File.Exists(candidate + ".exe")) return candidate + ".exe";
        }
        return null;
    }

    /// <summary>
    /// The sysroot of a toolchain: runs <c>rustc --print sysroot</c>, or
    /// <c>rustc +TOOLCHAIN --print sysroot</c> when <paramref name="toolchain"/> is given (which
    /// needs rustc to be rustup's proxy).
    /// </summary>
    /// <param name="toolchain">A rustup toolchain name such as <c>stable</c>, or null for the default.</param>
    /// <param name="rustc">The rustc executable to run.</param>
    /// <exception cref="InvalidOperationException">rustc could not be run or failed.</exception>
    public static string GetSysroot(string? toolchain = null, string rustc = "rustc")
    {
        var startInfo = new ProcessStartInfo(rustc)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (toolchain is not null) startInfo.ArgumentList.Add("+" + toolchain);
        startInfo.ArgumentList.Add("--print");
        startInfo.ArgumentList.Add("sysroot");
        Process process;
        try
        {
            process = Process.Start(startInfo) ?? throw new InvalidOperationException($"could not start `{rustc}`");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"could not start `{rustc}`: {e.Message}", e);
        }
        using (process)
        {
            // Both pipes are drained concurrently so that neither can fill up and block rustc.
            var stderrTask = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            var stderr = stderrTask.GetAwaiter().GetResult();
            process.WaitForExit();
            var sysroot = stdout.Trim();
            if (process.ExitCode != 0 || sysroot.Length == 0)
                throw new InvalidOperationException($"`{rustc} {string.Join(' ', startInfo.ArgumentList)}` failed with exit status {process.ExitCode}: {stderr.Trim()}");
            return sysroot;
        }
    }

    /// <summary>The server of a toolchain: <see cref="GetSysroot"/> then <see cref="FindInSysroot"/>.</summary>
    /// <exception cref="FileNotFoundException">The sysroot has no server; the message is rust-analyzer's.</exception>
    /// <exception cref="InvalidOperationException">rustc could not be run or failed.</exception>
    public static string Locate(string? toolchain = null, string rustc = "rustc")
    {
        var sysroot = GetSysroot(toolchain, rustc);
        return FindInSysroot(sysroot) ?? throw new FileNotFoundException($"cannot find proc-macro server in sysroot `{sysroot}`");
    }
}
