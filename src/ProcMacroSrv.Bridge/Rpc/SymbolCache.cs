using System.Buffers.Binary;
using System.Text;
using ProcMacroSrv.TokenModel;

namespace ProcMacroSrv.Bridge.Rpc;

/// <summary>
/// The symbols a client sent recently (identifier names, literal bodies and suffixes), keyed by
/// their UTF-8 bytes: a macro sends the same few hundred again and again, and a hit here skips
/// the UTF-16 decoding and the interner's lookup.
/// </summary>
/// <remarks>
/// Direct-mapped (one probe; a lost entry only costs an interner lookup) and per thread, as
/// symbols are process-wide: it stays warm from one expansion to the next. Only ASCII names are
/// ever found, because bytes are compared with chars.
/// </remarks>
internal static class SymbolCache
{
    private const int Slots = 16384;

    [ThreadStatic]
    private static Symbol[]? t_symbols;

    /// <summary>The symbol of <paramref name="utf8"/>; throws as <see cref="RpcReader.ReadString"/> does when it is not UTF-8.</summary>
    public static Symbol Intern(ReadOnlySpan<byte> utf8) => Intern(utf8, HashName(utf8));

    /// <summary>As <see cref="Intern(ReadOnlySpan{byte})"/>, with <see cref="HashName"/> of <paramref name="utf8"/> already computed.</summary>
    public static Symbol Intern(ReadOnlySpan<byte> utf8, uint hash)
    {
        var symbols = t_symbols ??= new Symbol[Slots];
        ref var slot = ref symbols[hash & (Slots - 1)];
        // An empty symbol (a literal "") is never taken from the cache: an empty slot's
        // default(Symbol) has the same text but is not an interned symbol.
        if (utf8.Length > 0 && slot.Text.Length == utf8.Length && Ascii.Equals(utf8, slot.Text)) return slot;
        return slot = RpcReader.ToSymbol(utf8);
    }

    /// <summary>
    /// A hash of a name's length and up to its first and last eight bytes: enough to tell
    /// identifiers apart (<c>__field12</c> from <c>__field13</c>); a collision only costs a miss.
    /// </summary>
    public static uint HashName(ReadOnlySpan<byte> name)
    {
        ulong h = (ulong)name.Length;
        if (name.Length >= 8)
        {
            h = (h ^ BinaryPrimitives.ReadUInt64LittleEndian(name)) * 0xC2B2_AE3D_27D4_EB4FUL;
            h = (h ^ BinaryPrimitives.ReadUInt64LittleEndian(name[^8..])) * 0xC2B2_AE3D_27D4_EB4FUL;
        }
        else if (name.Length >= 4)
        {
            h = (h ^ BinaryPrimitives.ReadUInt32LittleEndian(name) ^ (ulong)BinaryPrimitives.ReadUInt32LittleEndian(name[^4..]) << 32) * 0xC2B2_AE3D_27D4_EB4FUL;
        }
        else if (name.Length > 0)
        {
            h = (h ^ name[0] ^ (ulong)name[name.Length / 2] << 8 ^ (ulong)name[^1] << 16) * 0xC2B2_AE3D_27D4_EB4FUL;
        }
        return (uint)(h >> 32);
    }
}
