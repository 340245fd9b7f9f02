using System.Runtime.InteropServices;

namespace ProcMacroSrv.Bridge.Native;

// C mirrors of the repr(C) bridge types (x86_64 SysV), identical in every known ABI.
// Layouts are in docs: bridge-abi.md section 3.

/// <summary>rustc's bridge <c>Buffer</c>: a byte vector that carries its own grow and free functions.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct RawBuffer
{
    public byte* Data;
    public nuint Len;
    public nuint Capacity;
    public delegate* unmanaged<RawBuffer, nuint, RawBuffer> Reserve;
    public delegate* unmanaged<RawBuffer, void> Drop;
}

/// <summary>rustc's bridge <c>Closure</c>: the dispatch function the client calls for every RPC.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct RawClosure
{
    public delegate* unmanaged<nint, RawBuffer, RawBuffer> Call;
    public nint Env;
}

/// <summary>rustc's <c>BridgeConfig</c> (1.63: <c>Bridge</c>), passed by value to a client's <c>run</c>.</summary>
[StructLayout(LayoutKind.Sequential, Size = 64)]
internal struct RawBridgeConfig
{
    public RawBuffer Input;
    public RawClosure Dispatch;
    public byte ForceShowPanics;
}

/// <summary>A Rust <c>&amp;str</c> / <c>&amp;[T]</c>: pointer and length.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct RawSlice
{
    public byte* Ptr;
    public nuint Len;

    public string ReadUtf8() => Len == 0 ? string.Empty : System.Text.Encoding.UTF8.GetString(Ptr, checked((int)Len));
}

/// <summary>One 56-byte <c>ProcMacro</c> entry of the registrar's slice.</summary>
[StructLayout(LayoutKind.Explicit, Size = 56)]
internal struct RawProcMacro
{
    // u32 C enum tag followed by padding: only the low 4 bytes are meaningful.
    [FieldOffset(0)] public uint Tag;
    [FieldOffset(8)] public RawSlice Name;
    // CustomDerive only: helper attribute names, then the client at +40.
    [FieldOffset(24)] public RawSlice DeriveAttributes;
    [FieldOffset(24)] public nint ClientCountersOrFn;
    [FieldOffset(32)] public nint ClientRun;
    [FieldOffset(40)] public nint DeriveClientCountersOrFn;
    [FieldOffset(48)] public nint DeriveClientRun;

    public const uint CustomDerive = 0;
    public const uint Attr = 1;
    public const uint Bang = 2;
}
