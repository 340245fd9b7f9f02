namespace ProcMacroSrv.Bridge.Native;

/// <summary>
/// Points file descriptor 1 at stderr while a macro runs, so that a macro's <c>println!</c>
/// never reaches our stdout (the protocol channel in server mode).
/// </summary>
internal readonly struct StdoutDiversion : IDisposable
{
    private const int Stdout = 1;
    private const int Stderr = 2;
    private readonly int _saved;

    private StdoutDiversion(int saved) => _saved = saved;

    /// <summary>Starts the diversion; dispose to restore fd 1. Nothing to do in a server, whose fd 1 is stderr already.</summary>
    public static StdoutDiversion ToStderr()
    {
        if (Expansion.ProtocolStdout.IsReserved) return new StdoutDiversion(-1);
        LibC.FFlush(0);
        return new StdoutDiversion(LibC.SetAside(Stdout, Stderr));
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_saved < 0) return;
        LibC.FFlush(0);
        LibC.Dup2(_saved, Stdout);
        LibC.Close(_saved);
    }
}
