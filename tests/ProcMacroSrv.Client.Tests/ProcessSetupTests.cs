using ProcMacroSrv.Fixtures;
using ProcMacroSrv.Client;

namespace ProcMacroSrv.Client.Tests;

public class ProcessSetupTests
{
    [Fact]
    public void Start_info_is_what_rust_analyzer_uses()
    {
        var options = new ProcMacroServerOptions { Sysroot = "/some/sysroot" };
        options.Environment["PM_ADDED"] = "1";
        options.Environment["PATH_TO_DROP"] = null;
        var info = ProcMacroServerProcess.CreateStartInfo("/x/rust-analyzer-proc-macro-srv", options);
        Assert.Empty(info.ArgumentList);
        Assert.True(info.RedirectStandardInput && info.RedirectStandardOutput);
        Assert.False(info.UseShellExecute);
        Assert.Equal("this is unstable", info.Environment["RUST_ANALYZER_INTERNALS_DO_NOT_USE"]);
        Assert.Equal("1", info.Environment["PM_ADDED"]);
        Assert.False(info.Environment.ContainsKey("PATH_TO_DROP"));
        if (Environment.GetEnvironmentVariable("RUSTUP_TOOLCHAIN") is null)
            Assert.Equal("/some/sysroot", info.Environment["RUSTUP_TOOLCHAIN"]);
    }

    [Fact]
    public void The_gate_variable_cannot_be_removed()
    {
        var options = new ProcMacroServerOptions();
        options.Environment["RUST_ANALYZER_INTERNALS_DO_NOT_USE"] = null;
        Assert.Equal("this is unstable", ProcMacroServerProcess.CreateStartInfo("srv", options).Environment["RUST_ANALYZER_INTERNALS_DO_NOT_USE"]);
    }

    [Fact]
    public void Stderr_is_inherited_when_not_captured()
    {
        var info = ProcMacroServerProcess.CreateStartInfo("srv", new ProcMacroServerOptions { CaptureStandardError = false });
        Assert.False(info.RedirectStandardError);
    }

    [Fact]
    public void Starting_a_missing_executable_is_a_server_error() =>
        Assert.Throws<ProcMacroServerException>(() => ProcMacroServerProcess.Start("/nonexistent/rust-analyzer-proc-macro-srv"));

    [Fact]
    public void Locator_finds_the_stable_server_in_its_sysroot()
    {
        var sysroot = ServerLocator.GetSysroot(ReferenceServer.Toolchain);
        var path = ServerLocator.Locate(ReferenceServer.Toolchain);
        Assert.Equal(Path.Combine(sysroot, "libexec", ServerLocator.ServerName), path);
        Assert.True(File.Exists(path));
    }

    [Fact]
    public void Locator_reports_a_sysroot_without_a_server()
    {
        using var sysroot = new TempDirectory("pm-sysroot");
        var empty = sysroot.Path;
        Assert.Null(ServerLocator.FindInSysroot(empty));
        Directory.CreateDirectory(Path.Combine(empty, "lib"));
        File.WriteAllText(Path.Combine(empty, "lib", ServerLocator.ServerName), "");
        Assert.Equal(Path.Combine(empty, "lib", ServerLocator.ServerName), ServerLocator.FindInSysroot(empty));
    }

    [Fact]
    public void Locator_reports_a_rustc_that_cannot_run() =>
        Assert.Throws<InvalidOperationException>(() => ServerLocator.GetSysroot(rustc: "/nonexistent/rustc"));
}
