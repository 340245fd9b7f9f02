namespace ProcMacroSrv.Fixtures;

/// <summary>
/// Which <c>proc-macro-srv</c> executable the tests run as rust-analyzer would: the published
/// build named by <c>PROC_MACRO_SRV_EXECUTABLE</c> (scripts/test.sh publishes the NativeAOT build
/// and sets it, so CI tests what users run), else the apphost that the project reference copies
/// next to the test assembly.
/// </summary>
public static class ServerUnderTest
{
    /// <summary>The environment variable naming the executable to test.</summary>
    public const string Variable = "PROC_MACRO_SRV_EXECUTABLE";

    private static readonly Lazy<string> s_path = new(Locate);

    /// <summary>The executable's path; throws when it is missing or not executable.</summary>
    public static string Path => s_path.Value;

    private static string Locate()
    {
        var named = Environment.GetEnvironmentVariable(Variable);
        var path = string.IsNullOrEmpty(named) ? System.IO.Path.Combine(AppContext.BaseDirectory, "proc-macro-srv") : named;
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(string.IsNullOrEmpty(named)
                ? $"our server executable {path} does not exist: the test project references src/ProcMacroSrv, whose build output (apphost included) must be copied there."
                : $"{Variable} names {path}, which does not exist (scripts/test.sh publishes it).");
        }
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & UnixFileMode.UserExecute) == 0)
            throw new InvalidOperationException($"our server executable {path} is not executable.");
        return path;
    }
}
