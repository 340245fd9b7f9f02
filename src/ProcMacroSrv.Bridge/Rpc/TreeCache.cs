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
    private int _punctSlot;
    private int _identSlot;

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

    /// <summary>The cached punct for these wire values, or null (then <see cref="Add(ulong, Punct, uint)"/> the new one).</summary>
    public Punct? FindPunct(ulong expansion, byte ch, bool joint, uint span)
    {
        var slot = _punctSlot = (int)(Mix(span, (uint)ch << 1 | (joint ? 1u : 0u)) & (Slots - 1));
        return _puncts[slot] is { } punct && _punctKeys[slot] == (expansion | span) && punct.Char == ch && punct.Spacing == (joint ? Spacing.Joint : Spacing.Alone)
            ? punct
            : null;
    }

    /// <summary>Remembers the punct just made after <see cref="FindPunct"/> missed.</summary>
    public Punct Add(ulong expansion, Punct punct, uint span)
    {
        _puncts[_punctSlot] = punct;
        _punctKeys[_punctSlot] = expansion | span;
        return punct;
    }

    /// <summary>The cached ident for these wire values, or null (then <see cref="Add(ulong, Ident, uint)"/> the new one).</summary>
    public Ident? FindIdent(ulong expansion, ReadOnlySpan<byte> name, bool raw, uint span)
    {
        var slot = _identSlot = (int)(Mix(span, SymbolCache.HashName(name) ^ (raw ? 1u : 0u)) & (Slots - 1));
        // Only ASCII names ever match: comparing bytes with chars is exact for them.
        return _idents[slot] is { } ident && _identKeys[slot] == (expansion | span) && ident.IsRaw == raw && Ascii.Equals(name, ident.Name.Text)
            ? ident
            : null;
    }

    /// <summary>Remembers the ident just made after <see cref="FindIdent"/> missed.</summary>
    public Ident Add(ulong expansion, Ident ident, uint span)
    {
        _idents[_identSlot] = ident;
        _identKeys[_identSlot] = expansion | span;
        return ident;
    }

    private static uint Mix(uint span, uint key)
    {
        var h = ((ulong)span << 32 | key) * 0x9E37_79B9_7F4A_7C15UL;
        return (uint)(h >> 40);
    }
}
