using System.Collections.Concurrent;

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

    /// <summary>Runs <paramref name="expansion"/> on the expansion thread and waits for it.</summary>
    public static T Run<T>(Func<T> expansion)
    {
        _ = Runner.Value;
        T result = default!;
        Exception? failure = null;
        using var done = new ManualResetEventSlim();
        Work.Add(() =>
        {
            try
            {
                result = expansion();
            }
            catch (Exception e)
            {
                failure = e;
            }
            finally
            {
                done.Set();
            }
        });
        done.Wait();
        if (failure is not null) throw new InvalidOperationException($"the expansion failed in the server: {failure.Message}", failure);
        return result;
    }
}
