using ProcMacroSrv.Bridge.Abi;
using ProcMacroSrv.Bridge.Rpc;

namespace ProcMacroSrv.Bridge.Native;

/// <summary>
/// The client dylib's <c>HandleCounters</c> static: one atomic counter per handle type. Handles
/// are taken from these counters (never from our own) so that they stay unique per dylib across
/// every expansion of the process, as rustc's server keeps them.
/// </summary>
internal sealed unsafe class HandleCounters
{
    private readonly byte* _counters;
    private readonly BridgeAbi _abi;

    /// <param name="counters">Address of the counters static, read from (or returned by) <c>Client+0</c>.</param>
    /// <param name="abi">The ABI that says where each counter is and how wide.</param>
    public HandleCounters(nint counters, BridgeAbi abi)
    {
        _counters = (byte*)counters;
        _abi = abi;
    }

    /// <summary>Reads the counters address from a client's first word, per the ABI.</summary>
    public static nint Locate(nint clientWord0, BridgeAbi abi) => abi.Counters switch
    {
        // 1.63: Client+0 is `extern "C" fn() -> &'static HandleCounters`.
        CountersAccess.Function => ((delegate* unmanaged<nint>)clientWord0)(),
        _ => clientWord0,
    };

    /// <summary>Takes the next handle of <paramref name="type"/>.</summary>
    public uint Next(HandleType type)
    {
        var slot = _abi.SlotOf(type);
        uint handle;
        if (_abi.CounterWidth == 8)
        {
            // AtomicUsize; the handle is the old value truncated to u32, as the client does.
            handle = (uint)(System.Threading.Interlocked.Increment(ref *(long*)(_counters + 8 * slot.CounterIndex)) - 1);
        }
        else
        {
            handle = System.Threading.Interlocked.Increment(ref *(uint*)(_counters + 4 * slot.CounterIndex)) - 1;
        }
        if (handle == 0) throw new BridgeRpcException($"`proc_macro` handle counter overflowed for {type}");
        return handle;
    }
}
