using System.Text;
using ProcMacroSrv.Bridge.Rpc;
using ProcMacroSrv.TokenModel;

namespace ProcMacroSrv.Bridge.Tests.Rpc;

/// <summary>
/// The thread's tree cache gives back a punct or identifier only for exactly what the client sent,
/// and only within the expansion that made it: span handles are numbers that another dylib's
/// expansion may use for another span.
/// </summary>
public class TreeCacheTests
{
    [Fact]
    public void ATokenIsFoundAgainInItsOwnExpansionOnly()
    {
        var cache = TreeCache.ForThisThread();
        var first = cache.NewExpansion();
        Assert.Null(cache.FindPunct(first, (byte)',', false, 7, out var punctSlot));
        var comma = cache.AddPunct(punctSlot, first, new Punct(',', Spacing.Alone, Span.InFile(1, 0, 1)), 7);
        Assert.Same(comma, cache.FindPunct(first, (byte)',', false, 7, out _));

        var name = Encoding.UTF8.GetBytes("field");
        Assert.Null(cache.FindIdent(first, name, SymbolCache.HashName(name), false, 7, out var identSlot));
        var ident = cache.AddIdent(identSlot, first, new Ident(Symbol.Intern("field"), false, Span.InFile(1, 2, 7)), 7);
        Assert.Same(ident, cache.FindIdent(first, name, SymbolCache.HashName(name), false, 7, out _));

        // The same handle in the next expansion is another span: nothing of the first is found there,
        // while the first expansion still finds its own.
        var second = cache.NewExpansion();
        Assert.NotEqual(first, second);
        Assert.Null(cache.FindPunct(second, (byte)',', false, 7, out _));
        Assert.Null(cache.FindIdent(second, name, SymbolCache.HashName(name), false, 7, out _));
        Assert.Same(comma, cache.FindPunct(first, (byte)',', false, 7, out _));
        Assert.Same(ident, cache.FindIdent(first, name, SymbolCache.HashName(name), false, 7, out _));
    }

    [Fact]
    public void AnIdentifierInTheSameSlotIsNotTakenForAnother()
    {
        var cache = TreeCache.ForThisThread();
        var expansion = cache.NewExpansion();
        // Same length, same first and last eight bytes: the same hash, so the same slot.
        var name = "aaaaaaaa_x_bbbbbbbb"u8.ToArray();
        var other = "aaaaaaaa_y_bbbbbbbb"u8.ToArray();
        Assert.Equal(TreeCache.IdentSlot(SymbolCache.HashName(name), false, 5), TreeCache.IdentSlot(SymbolCache.HashName(other), false, 5));

        Assert.Null(cache.FindIdent(expansion, name, SymbolCache.HashName(name), false, 5, out var slot));
        var ident = cache.AddIdent(slot, expansion, new Ident(Symbol.Intern("aaaaaaaa_x_bbbbbbbb"), false, Span.InFile(1, 0, 19)), 5);
        Assert.Null(cache.FindIdent(expansion, other, SymbolCache.HashName(other), false, 5, out _));
        Assert.Same(ident, cache.FindIdent(expansion, name, SymbolCache.HashName(name), false, 5, out _));
    }
}
