using ProcMacroSrv.Bridge.Abi.Learning;
using ProcMacroSrv.Fixtures;

namespace ProcMacroSrv.Bridge.Tests.Learning;

/// <summary>
/// Sources the learner does not understand give a failure naming what, never a table: a wrong
/// table would crash the process. Each case edits a copy of a real bridge.
/// </summary>
public sealed class LearningFailureTests
{
    private static string Sysroot196 => Toolchains.Debian196.Sysroot;

    private static string Sysroot163 => Toolchains.Debian163.Sysroot;

    [Fact]
    public void AnUneditedCopyIsLearned()
    {
        using var copy = MangledSources.CopyOf(Sysroot196, BridgeSourceLayout.DebianSource);
        Assert.True(BridgeAbiLearner.TryLearn(copy.Location, out var abi, out var failure), failure);
        Assert.Equal("A95", abi.Name);
    }

    public static TheoryData<string, string, string, string, string[]> Edits196 => new()
    {
        {
            "unknown type", "mod.rs",
            "fn ts_is_empty(stream: &$TokenStream) -> bool;", "fn ts_is_empty(stream: &$TokenStream) -> Frobnicator;",
            ["ts_is_empty", "return type", "Frobnicator", "not understood"]
        },
        {
            "unknown parameter type", "mod.rs",
            "fn span_line(span: $Span) -> usize;", "fn span_line(span: $Span, unit: LengthUnit) -> usize;",
            ["span_line", "parameter `unit`", "LengthUnit"]
        },
        {
            "unknown placeholder", "mod.rs",
            "fn span_line(span: $Span) -> usize;", "fn span_line(span: $Spam) -> usize;",
            ["span_line", "$Spam", "not a parameter of with_api!"]
        },
        {
            "missing with_api!", "mod.rs",
            "macro_rules! with_api {", "macro_rules! with_api_v2 {",
            ["no `macro_rules! with_api`"]
        },
        {
            "unknown method", "mod.rs",
            "fn ts_clone(stream: &$TokenStream) -> $TokenStream;", "fn ts_duplicate(stream: &$TokenStream) -> $TokenStream;",
            ["`ts_duplicate`", "not a bridge method this server knows"]
        },
        {
            "known method, changed signature", "mod.rs",
            "fn span_line(span: $Span) -> usize;", "fn span_line(span: $Span) -> bool;",
            ["span_line", "signature (Span) -> Bool", "does not serve", "(Span) -> Usize"]
        },
        {
            "argument order differs between client and server", "client.rs",
            "$($arg.encode(&mut buf, &mut ());)*", "reverse_encode!(buf; $($arg),*);",
            ["argument order is not understood"]
        },
        {
            "counter width", "client.rs",
            "pub(super) token_stream: AtomicU32,", "pub(super) token_stream: AtomicU64,",
            ["HandleCounters", "AtomicU64"]
        },
        {
            "unknown handle type", "client.rs",
            "pub(super) span: AtomicU32,", "pub(super) spam: AtomicU32,",
            ["`spam`", "not a handle type this server knows"]
        },
        {
            "literal kind added", "mod.rs",
            "        CStrRaw(n),\n        ErrWithGuar,\n    }\n);", "        CStrRaw(n),\n        ErrWithGuar,\n        Frob,\n    }\n);",
            ["LitKind", "Frob"]
        },
        {
            "token tree variants reordered", "mod.rs",
            "        Group(tt),\n        Punct(tt),", "        Punct(tt),\n        Group(tt),",
            ["TokenTree", "Punct(_), Group(_)"]
        },
        {
            "client layout", "client.rs",
            "pub(super) handle_counters: &'static HandleCounters,", "pub(super) handle_counters: &'static HandleCounters,\n    pub(super) version: u32,",
            ["struct Client", "_marker"]
        },
        {
            "interned token streams", "server.rs",
            "token_stream: handle::OwnedStore<MarkedTokenStream<S>>,", "token_stream: handle::InternedStore<MarkedTokenStream<S>>,",
            ["TokenStream is interned", "owned"]
        },
        {
            "input without globals", "client.rs",
            "<(ExpnGlobals<Span>, A)>::decode(", "<(Globals<Span>, A)>::decode(",
            ["decodes its input"]
        },
    };

    [Theory]
    [MemberData(nameof(Edits196))]
    public void EditedSourcesAreNotLearned(string what, string file, string old, string replacement, string[] expected)
    {
        using var copy = MangledSources.CopyOf(Sysroot196, BridgeSourceLayout.DebianSource).Replace(file, old, replacement);
        Assert.False(BridgeAbiLearner.TryLearn(copy.Location, out var abi, out var failure), $"{what}: learned {abi}");
        Assert.Null(abi);
        Assert.StartsWith($"learning the bridge ABI from {copy.Directory} failed: ", failure);
        foreach (var part in expected) Assert.True(failure.Contains(part, StringComparison.Ordinal), $"{what}: `{part}` not in: {failure}");
    }

    public static TheoryData<string, string, string, string, string[]> Edits163 => new()
    {
        {
            "unknown group", "mod.rs",
            "            MultiSpan {\n", "            Frob {\n                fn new() -> $S::Span;\n            },\n            MultiSpan {\n",
            ["`Frob::new`", "not a bridge method this server knows"]
        },
        {
            "handle list without a handle type", "client.rs",
            "    'interned:\n    Punct,\n    Ident,\n    Span,", "    'interned:\n    Punct,\n    Ident,\n    Spot,",
            ["`Spot`", "not a handle type"]
        },
        {
            "reverse_encode that does not reverse", "mod.rs",
            "        reverse_encode!($writer; $($rest),*);\n        $first.encode(&mut $writer, &mut ());",
            "        $first.encode(&mut $writer, &mut ());\n        reverse_encode!($writer; $($rest),*);",
            ["reverse_encode!", "does not recurse before encoding"]
        },
        {
            "counters reached another way", "client.rs",
            "    pub(super) get_handle_counters: extern \"C\" fn() -> &'static HandleCounters,",
            "    pub(super) get_handle_counters: extern \"C\" fn(usize) -> &'static HandleCounters,",
            ["first field of Client", "neither a counters function nor a counters pointer"]
        },
    };

    [Theory]
    [MemberData(nameof(Edits163))]
    public void EditedOldSourcesAreNotLearned(string what, string file, string old, string replacement, string[] expected)
    {
        using var copy = MangledSources.CopyOf(Sysroot163, BridgeSourceLayout.DebianSource).Replace(file, old, replacement);
        Assert.False(BridgeAbiLearner.TryLearn(copy.Location, out var abi, out var failure), $"{what}: learned {abi}");
        Assert.Null(abi);
        foreach (var part in expected) Assert.True(failure.Contains(part, StringComparison.Ordinal), $"{what}: `{part}` not in: {failure}");
    }

    [Fact]
    public void AMissingFileIsNamed()
    {
        using var copy = MangledSources.CopyOf(Sysroot196, BridgeSourceLayout.DebianSource);
        File.Delete(Path.Combine(copy.Directory, "server.rs"));
        Assert.False(BridgeAbiLearner.TryLearn(copy.Location, out _, out var failure));
        Assert.Contains("server.rs is missing", failure);
    }

    [Fact]
    public void AnHtmlPageThatIsNotRustdocIsRefused()
    {
        using var copy = MangledSources.CopyOf(Toolchains.Stable.Sysroot, BridgeSourceLayout.RustdocHtml);
        File.WriteAllText(Path.Combine(copy.Directory, "mod.rs.html"), "<html><body><p>moved</p></body></html>");
        Assert.False(BridgeAbiLearner.TryLearn(copy.Location, out _, out var failure));
        Assert.Contains("mod.rs.html cannot be read", failure);
        Assert.Contains("not a rustdoc source page", failure);
    }

    [Fact]
    public void ASysrootWithoutSourcesIsNamed()
    {
        using var sysroot = new TempDirectory("pms-sysroot-");
        Directory.CreateDirectory(Path.Combine(sysroot.Path, "lib", "rustlib"));
        Assert.False(BridgeAbiLearner.TryLearn(sysroot.Path, out var abi, out var failure));
        Assert.Null(abi);
        Assert.Contains($"{sysroot.Path} has no proc_macro bridge sources", failure);
    }
}
