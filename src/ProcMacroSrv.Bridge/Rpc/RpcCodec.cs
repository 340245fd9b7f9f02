using System.Buffers.Binary;
using System.Text;

namespace ProcMacroSrv.Bridge.Rpc;

/// <summary>A malformed request from a client, or a bad handle: reported back to the macro as a server panic.</summary>
public sealed class BridgeRpcException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BridgeRpcException(string message) : base(message) { }

    /// <summary>
    /// The client sees a panic without a message (a non-string payload), as when rustc aborts on
    /// a fatal error inside a server call; the message is for the server's own diagnostics.
    /// </summary>
    internal bool WithoutPayload { get; init; }
}

/// <summary>Reads the bridge's little-endian, unpadded wire encoding (bridge-abi.md section 4).</summary>
internal ref struct RpcReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);
    private ReadOnlySpan<byte> _rest;

    public RpcReader(ReadOnlySpan<byte> bytes) => _rest = bytes;

    public readonly int Remaining => _rest.Length;

    private ReadOnlySpan<byte> Take(int n)
    {
        if ((uint)n > (uint)_rest.Length) throw new BridgeRpcException($"request ends early: wanted {n} more bytes, {_rest.Length} left");
        var s = _rest[..n];
        _rest = _rest[n..];
        return s;
    }

    public byte ReadU8() => Take(1)[0];

    public bool ReadBool() => ReadU8() switch
    {
        0 => false,
        1 => true,
        var b => throw new BridgeRpcException($"invalid bool byte {b}"),
    };

    public uint ReadU32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    public ulong ReadUsize() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    public int ReadLength()
    {
        var n = ReadUsize();
        if (n > (ulong)_rest.Length) throw new BridgeRpcException($"length {n} exceeds the {_rest.Length} bytes left");
        return (int)n;
    }

    public string ReadString()
    {
        var bytes = Take(ReadLength());
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new BridgeRpcException("string is not valid UTF-8");
        }
    }

    public byte[] ReadBytes() => Take(ReadLength()).ToArray();
}

/// <summary>A growable byte buffer for building replies; reused across RPCs of a session.</summary>
internal sealed class RpcWriter
{
    private byte[] _buffer = new byte[256];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, Length);

    public void Clear() => Length = 0;

    private Span<byte> Grow(int n)
    {
        if (Length + n > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + n));
        }
        var s = _buffer.AsSpan(Length, n);
        Length += n;
        return s;
    }

    public void WriteU8(byte value) => Grow(1)[0] = value;

    public void WriteBool(bool value) => WriteU8(value ? (byte)1 : (byte)0);

    public void WriteU32(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Grow(4), value);

    public void WriteUsize(ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Grow(8), value);

    public void WriteString(string value)
    {
        var n = Encoding.UTF8.GetByteCount(value);
        WriteUsize((ulong)n);
        Encoding.UTF8.GetBytes(value, Grow(n));
    }

    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        WriteUsize((ulong)value.Length);
        value.CopyTo(Grow(value.Length));
    }
}
