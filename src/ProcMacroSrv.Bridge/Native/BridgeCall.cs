using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ProcMacroSrv.Bridge.Rpc;

namespace ProcMacroSrv.Bridge.Native;

/// <summary>
/// One call of a client's <c>run</c> entry: builds the input buffer and <c>BridgeConfig</c>,
/// routes every RPC of the client to a <see cref="BridgeInterpreter"/>, and returns the bytes of
/// the client's result buffer.
/// </summary>
internal static unsafe class BridgeCall
{
    /// <summary>Runs the client and returns a copy of its output buffer.</summary>
    /// <param name="run">The client's <c>run</c> function pointer.</param>
    /// <param name="input">The encoded input (global spans and stream handles).</param>
    /// <param name="interpreter">Serves the client's RPCs.</param>
    /// <param name="forceShowPanics">Passed to the client; true lets the panic hook print.</param>
    public static byte[] Run(nint run, ReadOnlySpan<byte> input, BridgeInterpreter interpreter, bool forceShowPanics)
    {
        var session = new DispatchSession(interpreter);
        var handle = GCHandle.Alloc(session);
        try
        {
            var config = new RawBridgeConfig
            {
                Input = NewBuffer(input),
                Dispatch = new RawClosure { Call = &Dispatch, Env = GCHandle.ToIntPtr(handle) },
                ForceShowPanics = forceShowPanics ? (byte)1 : (byte)0,
            };
            var output = ((delegate* unmanaged<RawBridgeConfig, RawBuffer>)run)(config);
            try
            {
                return new ReadOnlySpan<byte>(output.Data, checked((int)output.Len)).ToArray();
            }
            finally
            {
                // Every buffer is freed through its own drop: it may be the client's allocation.
                output.Drop(output);
            }
        }
        finally
        {
            handle.Free();
        }
    }

    private sealed class DispatchSession(BridgeInterpreter interpreter)
    {
        public BridgeInterpreter Interpreter { get; } = interpreter;
        public RpcWriter Reply { get; } = new();
    }

    [UnmanagedCallersOnly]
    private static RawBuffer Dispatch(nint env, RawBuffer buffer)
    {
        // Never let an exception escape: it would cross into Rust frames.
        try
        {
            var session = (DispatchSession)GCHandle.FromIntPtr(env).Target!;
            session.Interpreter.Dispatch(new ReadOnlySpan<byte>(buffer.Data, checked((int)buffer.Len)), session.Reply);
            return Fill(buffer, session.Reply.Written);
        }
        catch (Exception e)
        {
            try
            {
                var w = new RpcWriter();
                w.WriteU8(1);
                w.WriteU8(0);
                w.WriteString("proc-macro server failure: " + e.Message);
                return Fill(buffer, w.Written);
            }
            catch
            {
                Environment.FailFast("proc-macro server could not answer a bridge call", e);
                return buffer;
            }
        }
    }

    // Writes the reply into the request's own buffer, growing it only through its reserve.
    private static RawBuffer Fill(RawBuffer buffer, ReadOnlySpan<byte> reply)
    {
        buffer.Len = 0;
        if ((nuint)reply.Length > buffer.Capacity) buffer = buffer.Reserve(buffer, (nuint)reply.Length);
        reply.CopyTo(new Span<byte>(buffer.Data, reply.Length));
        buffer.Len = (nuint)reply.Length;
        return buffer;
    }

    private static RawBuffer NewBuffer(ReadOnlySpan<byte> content)
    {
        // The client builds slices from data, so it must never be null, even when empty.
        var capacity = Math.Max(content.Length, 64);
        var data = (byte*)NativeMemory.Alloc((nuint)capacity);
        content.CopyTo(new Span<byte>(data, content.Length));
        return new RawBuffer { Data = data, Len = (nuint)content.Length, Capacity = (nuint)capacity, Reserve = &Reserve, Drop = &Drop };
    }

    [UnmanagedCallersOnly]
    private static RawBuffer Reserve(RawBuffer buffer, nuint additional)
    {
        var needed = buffer.Len + additional;
        if (needed <= buffer.Capacity) return buffer;
        var capacity = Math.Max(needed, buffer.Capacity * 2);
        buffer.Data = (byte*)NativeMemory.Realloc(buffer.Data, capacity);
        buffer.Capacity = capacity;
        return buffer;
    }

    [UnmanagedCallersOnly]
    private static void Drop(RawBuffer buffer) => NativeMemory.Free(buffer.Data);
}
