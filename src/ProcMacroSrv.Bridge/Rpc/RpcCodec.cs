using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;
using ProcMacroSrv.TokenModel;

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

    // Symbols up to this many UTF-8 bytes are decoded on the stack: a symbol the interner already
    // knows then costs no allocation at all.
    private const int MaxStackSymbol = 256;

    private ReadOnlySpan<byte> _rest;

    public RpcReader(ReadOnlySpan<byte> bytes) => _rest = bytes;

    public readonly int Remaining => _rest.Length;

    // Every RPC reads a few of these: the failures are thrown from separate methods so that
    // the reads themselves stay small enough to inline.
    private ReadOnlySpan<byte> Take(int n)
    {
        if ((uint)n > (uint)_rest.Length) throw EndsEarly(n, _rest.Length);
        var s = _rest[..n];
        _rest = _rest[n..];
        return s;
    }

    public byte ReadU8()
    {
        if (_rest.IsEmpty) throw EndsEarly(1, 0);
        var b = _rest[0];
        _rest = _rest[1..];
        return b;
    }

    public bool ReadBool()
    {
        var b = ReadU8();
        return b <= 1 ? b == 1 : throw InvalidBool(b);
    }

    public uint ReadU32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    public ulong ReadUsize() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    public int ReadLength()
    {
        var n = ReadUsize();
        if (n > (ulong)_rest.Length) throw LengthExceeds(n, _rest.Length);
        return (int)n;
    }

    private static BridgeRpcException EndsEarly(int wanted, int left) => new($"request ends early: wanted {wanted} more bytes, {left} left");

    private static BridgeRpcException InvalidBool(byte b) => new($"invalid bool byte {b}");

    private static BridgeRpcException LengthExceeds(ulong length, int left) => new($"length {length} exceeds the {left} bytes left");

    public string ReadString() => ToString(ReadUtf8());

    /// <summary>The bytes of a string (usize length + UTF-8), not yet checked to be UTF-8.</summary>
    public ReadOnlySpan<byte> ReadUtf8() => Take(ReadLength());

    /// <summary>Interns UTF-8 text; throws as <see cref="ReadString"/> does when it is not UTF-8.</summary>
    public static Symbol ToSymbol(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxStackSymbol) return Symbol.Intern(ToString(utf8));
        Span<char> chars = stackalloc char[MaxStackSymbol];
        if (Utf8.ToUtf16(utf8, chars, out _, out var written, replaceInvalidSequences: false) != OperationStatus.Done) throw NotUtf8();
        return Symbol.Intern(chars[..written]);
    }

    private static string ToString(ReadOnlySpan<byte> utf8)
    {
        try
        {
            return StrictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException)
        {
            throw NotUtf8();
        }
    }

    private static BridgeRpcException NotUtf8() => new("string is not valid UTF-8");

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
        if (value.Length <= 256)
        {
            // Short strings (identifiers, literal symbols) in one pass: encode after room for the
            // length, then fill the length in. Three bytes per UTF-16 unit cover any input.
            var room = Grow(8 + value.Length * 3);
            var written = Encoding.UTF8.GetBytes(value, room[8..]);
            BinaryPrimitives.WriteUInt64LittleEndian(room, (ulong)written);
            Length -= value.Length * 3 - written;
            return;
        }
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
