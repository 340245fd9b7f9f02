using ProcMacroSrv.Fixtures;

namespace ProcMacroSrv.Cli.Tests;

/// <summary>
/// Runs the real <c>proc-macro-srv</c> executable as a child process. The project reference copies
/// its build output (apphost, proc-macro-srv.dll, the bundled demo crate) next to the test assembly;
/// failing that, src/ProcMacroSrv/bin/&lt;configuration&gt;/net10.0/ is used.
/// </summary>
internal static class Cli
{
    private const string AssemblyFile = "proc-macro-srv.dll";
    private const string AppHost = "proc-macro-srv";

    private static readonly Lazy<(string FileName, string[] Prefix, string Directory)> s_command = new(Locate);

    /// <summary>The directory the executable runs from (its <c>AppContext.BaseDirectory</c>).</summary>
    public static string Directory => s_command.Value.Directory;

    public static ProcessResult Run(params string[] arguments) => Run(arguments, workingDirectory: null);

    public static ProcessResult Run(
        IEnumerable<string> arguments,
        string? workingDirectory,
        IReadOnlyDictionary<string, string?>? environment = null,
        TimeSpan? timeout = null)
    {
        var (fileName, prefix, _) = s_command.Value;
        return ChildProcess.Run(fileName, [.. prefix, .. arguments], workingDirectory, environment, timeout);
    }

    private static (string, string[], string) Locate()
    {
        var testDirectory = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        // bin/<configuration>/<framework>/ of this test project → the same of src/ProcMacroSrv.
        var framework = Path.GetFileName(testDirectory);
        var configuration = Path.GetFileName(Path.GetDirectoryName(testDirectory)!);
        string[] candidates =
        [
            testDirectory,
            Path.Combine(RepositoryLayout.Root, "src", "ProcMacroSrv", "bin", configuration, framework),
        ];
        foreach (var directory in candidates)
        {
            var assembly = Path.Combine(directory, AssemblyFile);
            if (!File.Exists(assembly))
            {
                continue;
            }

            var appHost = Path.Combine(directory, AppHost);
            if (File.Exists(appHost) && !OperatingSystem.IsWindows() && (File.GetUnixFileMode(appHost) & UnixFileMode.UserExecute) != 0)
            {
                return (appHost, [], directory);
            }

            var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
            return (dotnet, [assembly], directory);
        }

        throw new InvalidOperationException(
            $"{AssemblyFile} was found in none of {string.Join(", ", candidates)}: build src/ProcMacroSrv (the test project references it).");
    }
}
