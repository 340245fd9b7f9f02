using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ProcMacroSrv.Bench.Sessions;

/// <summary>What the benchmark ran on.</summary>
internal sealed record MachineInfo(string Cpu, int Cores, string Memory, string Os, string Kernel, string DotNet, string Rustc, string ReferenceVersion, string OursVersion, string Commit)
{
    public static MachineInfo Collect(string rustcVersion, string? referencePath, string? oursPath)
    {
        var cpu = ReadField("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString();
        var memKiB = ReadField("/proc/meminfo", "MemTotal") ?? "?";
        var memory = memKiB.EndsWith("kB", StringComparison.Ordinal) && long.TryParse(memKiB[..^2].Trim(), out var kib)
            ? $"{kib / 1024.0 / 1024.0:0.0} GiB"
            : memKiB;
        var os = ReadOsRelease() ?? RuntimeInformation.OSDescription;
        var kernel = Run("uname", "-r") ?? "?";
        var dotnet = $".NET {Environment.Version} (harness); server: NativeAOT build";
        var reference = referencePath is null ? "-" : Run(referencePath, "--version", gate: true) ?? "?";
        var ours = oursPath is null ? "-" : Run(oursPath, "--version", gate: true) ?? "?";
        var commit = Run("git", "rev-parse", "--short", "HEAD") ?? "?";
        if (Run("git", "status", "--porcelain", "--", "src") is { Length: > 0 }) commit += " (src modified)";
        return new MachineInfo(cpu, Environment.ProcessorCount, memory, os, kernel, dotnet, rustcVersion, reference, ours, commit);
    }

    /// <summary>The 1, 5 and 15 minute load averages and the number of runnable tasks, from /proc/loadavg.</summary>
    public static string LoadAverage()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"{parts[0]} / {parts[1]} / {parts[2]} (1/5/15 min), runnable/total tasks {parts[3]}";
        }
        catch (IOException)
        {
            return "?";
        }
    }

    private static string? ReadField(string file, string key)
    {
        try
        {
            foreach (var line in File.ReadLines(file))
            {
                if (!line.StartsWith(key, StringComparison.Ordinal)) continue;
                var colon = line.IndexOf(':');
                if (colon > 0) return line[(colon + 1)..].Trim();
            }
        }
        catch (IOException)
        {
        }
        return null;
    }

    private static string? ReadOsRelease()
    {
        try
        {
            foreach (var line in File.ReadLines("/etc/os-release"))
            {
                if (line.StartsWith("PRETTY_NAME=", StringComparison.Ordinal)) return line["PRETTY_NAME=".Length..].Trim('"');
            }
        }
        catch (IOException)
        {
        }
        return null;
    }

    public static string? Run(string file, params string[] args) => Run(file, args, gate: false);

    private static string? Run(string file, string arg, bool gate) => Run(file, [arg], gate);

    private static string? Run(string file, string[] args, bool gate)
    {
        try
        {
            var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in args) start.ArgumentList.Add(a);
            if (gate) start.Environment[Client.ProcMacroServerProcess.GateVariable] = Client.ProcMacroServerProcess.GateValue;
            using var p = Process.Start(start)!;
            var stderr = p.StandardError.ReadToEndAsync();
            var output = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            _ = stderr.Result;
            return p.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
