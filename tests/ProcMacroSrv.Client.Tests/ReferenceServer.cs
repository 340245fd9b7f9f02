using System.Diagnostics;
using ProcMacroSrv.Client;

namespace ProcMacroSrv.Client.Tests;

/// <summary>
/// The reference server of the stable toolchain and a proc-macro dylib built from Fixture/lib.rs
/// with that toolchain's rustc (so that their ABIs match). Built once per test run.
/// </summary>
internal sealed class ReferenceServer
{
    /// <summary>The toolchain whose server and rustc the tests use.</summary>
    public const string Toolchain = "stable";

    private static readonly Lazy<ReferenceServer> Shared = new(() => new ReferenceServer(), LazyThreadSafetyMode.ExecutionAndPublication);

    public static ReferenceServer Instance => Shared.Value;

    public string ServerPath { get; }

    public string DylibPath { get; }

    private ReferenceServer()
    {
        ServerPath = ServerLocator.Locate(Toolchain);
        var directory = Path.Combine(AppContext.BaseDirectory, "proc-macro-fixture");
        Directory.CreateDirectory(directory);
        var extension = OperatingSystem.IsWindows() ? ".dll" : OperatingSystem.IsMacOS() ? ".dylib" : ".so";
        DylibPath = Path.Combine(directory, (OperatingSystem.IsWindows() ? "" : "lib") + "pm_fixture" + extension);
        var source = Path.Combine(AppContext.BaseDirectory, "Fixture", "lib.rs");
        Rustc("+" + Toolchain, "--crate-type", "proc-macro", "--edition", "2021", "-C", "prefer-dynamic",
            "--crate-name", "pm_fixture", source, "-o", DylibPath);
    }

    public ProcMacroServerProcess Start(ProcMacroServerOptions? options = null)
    {
        options ??= new ProcMacroServerOptions();
        // Generous, but a hung server must not hang the test run.
        if (options.RequestTimeout == Timeout.InfiniteTimeSpan) options.RequestTimeout = TimeSpan.FromSeconds(60);
        return ProcMacroServerProcess.Start(ServerPath, options);
    }

    private static void Rustc(params string[] arguments)
    {
        var startInfo = new ProcessStartInfo("rustc") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments) startInfo.ArgumentList.Add(argument);
        using var process = Process.Start(startInfo)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"rustc failed building the test proc-macro crate ({process.ExitCode}):\n{stdout}\n{stderr.GetAwaiter().GetResult()}");
    }
}
