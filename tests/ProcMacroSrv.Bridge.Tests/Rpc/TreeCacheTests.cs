using System.Text;
using ProcMacroSrv.Bridge.Rpc;
using ProcMacroSrv.TokenModel;

namespace ProcMacroSrv.Bridge.Tests.Rpc;

/// <summary>
/// The thread's tree cache shares a punct or identifier only within the expansion that made it:
/// span handles are numbers that another dylib's expansion may use for another span.
/// </summary>
public class TreeCacheTests
{
    [Fact]
    public void ATokenIsFoundAgainInItsOwnExpansionOnly()
    {
        var cache = TreeCache.ForThisThread();
        var first = cache.NewExpansion();
        Assert.Null(cache.FindPunct(first, (byte)',', false, 7));
        var comma = cache.Add(first, new Punct(',', Spacing.Alone, Span.InFile(1, 0, 1)), 7);
        Assert.Same(comma, cache.FindPunct(first, (byte)',', false, 7));

        var name = Encoding.UTF8.GetBytes("field");
        Assert.Null(cache.FindIdent(first, name, false, 7));
        var ident = cache.Add(first, new Ident(Symbol.Intern("field"), false, Span.InFile(1, 2, 7)), 7);
        Assert.Same(ident, cache.FindIdent(first, name, false, 7));

        // The same handle in the next expansion is another span: nothing of the first is found.
        var second = cache.NewExpansion();
        Assert.NotEqual(first, second);
        Assert.Null(cache.FindPunct(second, (byte)',', false, 7));
        Assert.Null(cache.FindIdent(second, name, false, 7));
    }

    [Fact]
    public void WhatTheClientSentMustMatchExactly()
    {
        var cache = TreeCache.ForThisThread();
        var expansion = cache.NewExpansion();
        // Add remembers a token where the lookup before it missed, as the interpreter does.
        Assert.Null(cache.FindPunct(expansion, (byte)':', true, 3));
        var joint = cache.Add(expansion, new Punct(':', Spacing.Joint, Span.InFile(1, 0, 1)), 3);
        Assert.Same(joint, cache.FindPunct(expansion, (byte)':', true, 3));
        Assert.Null(cache.FindPunct(expansion, (byte)':', false, 3));
        Assert.Null(cache.FindPunct(expansion, (byte)':', true, 4));

        Assert.Null(cache.FindIdent(expansion, "type"u8, true, 5));
        var raw = cache.Add(expansion, new Ident(Symbol.Intern("type"), true, Span.InFile(1, 0, 6)), 5);
        Assert.Same(raw, cache.FindIdent(expansion, "type"u8, true, 5));
        Assert.Null(cache.FindIdent(expansion, "type"u8, false, 5));
        Assert.Null(cache.FindIdent(expansion, "typo"u8, true, 5));
    }
}
