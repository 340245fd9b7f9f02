using System.Text;
using ProcMacroSrv.TokenModel;

namespace ProcMacroSrv.Bridge.Rpc;

/// <summary>
/// The puncts and idents an expansion's client sent recently, keyed by what it sent: the
/// character and spacing or the name bytes and rawness, and the span handle. Macros send the
/// same token over and over (quote! gives every <c>::</c>, <c>,</c> and <c>__serde</c> of an
/// expansion the same call-site span), and trees are immutable, so a repeated token is the
/// earlier instance instead of a new allocation and a symbol lookup.
/// </summary>
/// <remarks>
/// Direct-mapped: each key has one slot, and a new token takes the slot of an older one. That
/// bounds the memory and keeps a lookup to one probe; a lost entry only costs an allocation.
/// On serde's Deserialize derive (1,000 fields) 87% of the puncts and 69% of the idents are
/// found here, on clap's Parser 69% and 46%; tables from 1,024 to 65,536 slots cost the same
/// CPU time, so it stays small.
/// <para>One cache per thread serves expansion after expansion: an entry's key holds the
/// expansion it was made in (span handles mean nothing outside it), and each lookup names its
/// expansion, so starting one costs nothing, where a new table cost 48 KB of zeroed memory, half
/// of what a small request allocated.</para>
/// </remarks>
internal sealed class TreeCache
{
    private const int Slots = 2048;

    [ThreadStatic]
    private static TreeCache? t_cache;

    private readonly Punct?[] _puncts = new Punct?[Slots];
    private readonly ulong[] _punctKeys = new ulong[Slots];
    private readonly Ident?[] _idents = new Ident?[Slots];
    private readonly ulong[] _identKeys = new ulong[Slots];
    private ulong _lastExpansion;

    private TreeCache() { }

    /// <summary>This thread's cache.</summary>
    public static TreeCache ForThisThread() => t_cache ??= new TreeCache();

    /// <summary>The key of a new expansion, to pass to every lookup of that expansion: nothing cached before matches it.</summary>
    public ulong NewExpansion()
    {
        // Keys are (expansion << 32 | span handle); expansion 0 is never used, so a zeroed slot never matches.
        _lastExpansion += 1UL << 32;
        if (_lastExpansion == 0) _lastExpansion = 1UL << 32;
        return _lastExpansion;
    }

    /// <summary>The cached punct for these wire values, or null; <paramref name="slot"/> is where to <see cref="AddPunct"/> the new one.</summary>
    public Punct? FindPunct(ulong expansion, byte ch, bool joint, uint span, out int slot)
    {
        slot = PunctSlot(ch, joint, span);
        // Character and spacing are checked too: the mix spreads the keys of one span handle
        // over different slots, but nothing promises it for every handle.
        return _puncts[slot] is { } punct && _punctKeys[slot] == (expansion | span) && punct.Char == ch && punct.Spacing == (joint ? Spacing.Joint : Spacing.Alone)
            ? punct
            : null;
    }

    /// <summary>Remembers a punct made after <see cref="FindPunct"/> missed, in the slot it gave.</summary>
    public Punct AddPunct(int slot, ulong expansion, Punct punct, uint span)
    {
        _puncts[slot] = punct;
        _punctKeys[slot] = expansion | span;
        return punct;
    }

    /// <summary>
    /// The cached ident for these wire values (<paramref name="nameHash"/> is
    /// <see cref="SymbolCache.HashName"/> of <paramref name="name"/>), or null;
    /// <paramref name="slot"/> is where to <see cref="AddIdent"/> the new one.
    /// </summary>
    public Ident? FindIdent(ulong expansion, ReadOnlySpan<byte> name, uint nameHash, bool raw, uint span, out int slot)
    {
        slot = IdentSlot(nameHash, raw, span);
        // Names whose hashes agree share a slot, so the name is compared; only ASCII names ever
        // match, as comparing bytes with chars is exact for them.
        return _idents[slot] is { } ident && _identKeys[slot] == (expansion | span) && ident.IsRaw == raw && Ascii.Equals(name, ident.Name.Text)
            ? ident
            : null;
    }

    /// <summary>Remembers an ident made after <see cref="FindIdent"/> missed, in the slot it gave.</summary>
    public Ident AddIdent(int slot, ulong expansion, Ident ident, uint span)
    {
        _idents[slot] = ident;
        _identKeys[slot] = expansion | span;
        return ident;
    }

    /// <summary>The one slot a punct may be cached in (different keys may share it).</summary>
    private static int PunctSlot(byte ch, bool joint, uint span) => (int)(Mix(span, (uint)ch << 1 | (joint ? 1u : 0u)) & (Slots - 1));

    /// <summary>The one slot an ident may be cached in (different keys may share it).</summary>
    internal static int IdentSlot(uint nameHash, bool raw, uint span) => (int)(Mix(span, nameHash ^ (raw ? 1u : 0u)) & (Slots - 1));

    private static uint Mix(uint span, uint key)
    {
        var h = ((ulong)span << 32 | key) * 0x9E37_79B9_7F4A_7C15UL;
        return (uint)(h >> 40);
    }
}
