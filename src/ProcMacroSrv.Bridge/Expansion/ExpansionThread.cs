using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace ProcMacroSrv.Bridge.Expansion;

/// <summary>
/// The one thread macros run on: an 8 MiB stack, as rustc gives macros, reused from expansion to
/// expansion as rustc's own front end reuses its thread. The client's bridge state is
/// thread-local but set up and torn down by every `run` call, so reuse is safe; it saves
/// creating and mapping a new stack for every request.
/// </summary>
internal static class ExpansionThread
{
    private static readonly BlockingCollection<Action> Work = new();
    private static readonly Lazy<Thread> Runner = new(() =>
    {
        var thread = new Thread(() =>
        {
            foreach (var item in Work.GetConsumingEnumerable()) item();
        }, ProcMacroLibrary.ExpansionStackSize)
        {
            Name = "proc-macro",
            IsBackground = true,
        };
        thread.Start();
        return thread;
    });

    /// <summary>
    /// Runs <paramref name="expansion"/> on the expansion thread and waits for it; on that thread
    /// already (a server loop hosted there by <see cref="Host{T}"/>), runs it directly.
    /// </summary>
    public static T Run<T>(Func<T> expansion)
    {
        var result = Execute(expansion, out var failure);
        if (failure is not null) throw new InvalidOperationException($"the expansion failed in the server: {failure.Message}", failure);
        return result;
    }

    /// <summary>
    /// Runs <paramref name="loop"/> (a server's request loop) on the expansion thread, so that
    /// every expansion it starts runs there directly: no hand-over between threads per request,
    /// which on small requests costs more than the macro (two context switches and spinning).
    /// </summary>
    public static T Host<T>(Func<T> loop)
    {
        var result = Execute(loop, out var failure);
        // The loop's own failures are not expansion failures: they come back as they were thrown.
        if (failure is not null) ExceptionDispatchInfo.Throw(failure);
        return result;
    }

    // Runs `work` on the expansion thread (directly when already on it) and waits for it; what it
    // threw comes back in `failure`, for the caller to wrap or rethrow.
    private static T Execute<T>(Func<T> work, out Exception? failure)
    {
        if (ReferenceEquals(Thread.CurrentThread, Runner.Value))
        {
            try
            {
                failure = null;
                return work();
            }
            catch (Exception e)
            {
                failure = e;
                return default!;
            }
        }
        T result = default!;
        Exception? caught = null;
        using var done = new ManualResetEventSlim();
        Work.Add(() =>
        {
            try
            {
                result = work();
            }
            catch (Exception e)
            {
                caught = e;
            }
            finally
            {
                done.Set();
            }
        });
        done.Wait();
        failure = caught;
        return result;
    }
}
