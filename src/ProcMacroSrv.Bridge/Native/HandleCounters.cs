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
    private static readonly int TypeCount = Enum.GetValues<HandleType>().Length;

    private readonly bool _wide;
    private readonly string _abiName;
    // The address of each type's counter, resolved once: a handle is taken on nearly every RPC,
    // and looking the slot up in the ABI's list each time showed in profiles. Zero for a type
    // the ABI does not have.
    private readonly nint[] _addresses;

    /// <param name="counters">Address of the counters static, read from (or returned by) <c>Client+0</c>.</param>
    /// <param name="abi">The ABI that says where each counter is and how wide.</param>
    public HandleCounters(nint counters, BridgeAbi abi)
    {
        _wide = abi.CounterWidth == 8;
        _addresses = new nint[TypeCount];
        foreach (var slot in abi.Handles)
        {
            _addresses[(int)slot.Type] = counters + abi.CounterWidth * slot.CounterIndex;
        }
        _abiName = abi.Name;
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
        var address = (uint)type < (uint)_addresses.Length ? _addresses[(int)type] : 0;
        if (address == 0) throw new InvalidOperationException($"bridge ABI {_abiName} has no {type} handles");
        uint handle;
        if (_wide)
        {
            // AtomicUsize; the handle is the old value truncated to u32, as the client does.
            handle = (uint)(System.Threading.Interlocked.Increment(ref *(long*)address) - 1);
        }
        else
        {
            handle = System.Threading.Interlocked.Increment(ref *(uint*)address) - 1;
        }
        if (handle == 0) throw new BridgeRpcException($"`proc_macro` handle counter overflowed for {type}");
        return handle;
    }
}
