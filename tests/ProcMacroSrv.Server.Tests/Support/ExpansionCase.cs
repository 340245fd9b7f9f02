using ProcMacroSrv.Protocol;

namespace ProcMacroSrv.Server.Tests.Support;

/// <summary>
/// One macro invocation as Rust source, sent as an <c>ExpandMacro</c> request in either span mode.
/// </summary>
/// <param name="Name">A unique name (<c>crate.macro.what</c>), the theory's data.</param>
/// <param name="Crate">The proc-macro crate's library name (<c>pm_basics</c>, <c>serde_derive</c>), or
/// <see cref="MissingCrate"/> for a dylib path that does not exist.</param>
/// <param name="MacroName">The macro's name (a derive's trait name).</param>
/// <param name="Kind">How the invocation is shaped.</param>
/// <param name="Input">Fn-like: the text inside the delimiters. Derive and attribute: the item.</param>
/// <param name="AttributeArgs">Attribute macros: the text inside <c>#[name(…)]</c>; null for <c>#[name]</c>.</param>
internal sealed record ExpansionCase(string Name, string Crate, string MacroName, MacroKind Kind, string Input, string? AttributeArgs = null)
{
    /// <summary>The <see cref="Crate"/> of a case whose dylib does not exist.</summary>
    public const string MissingCrate = "<missing>";

    /// <summary>The path used for <see cref="MissingCrate"/>.</summary>
    public const string MissingDylibPath = "/nonexistent/target/debug/deps/libmissing-0123456789abcdef.so";

    /// <summary>The deliberate divergences this case shows (DIVERGENCES.md); empty: byte-identical.</summary>
    public IReadOnlyList<Divergence> Divergences { get; init; } = [];

    /// <summary>Variables added to the cargo environment rust-analyzer sends.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ExtraEnv { get; init; } = [];

    /// <summary>True when the expansion is expected to fail (a panic, a missing macro or dylib): the answer is <c>Err</c>.</summary>
    public bool ExpectError { get; init; }

    /// <summary>The dylib path (building the fixtures on first use).</summary>
    public string Lib => LibOf(Servers.Dylibs);

    /// <summary>The dylib path among <paramref name="dylibs"/> (another toolchain's build).</summary>
    public string LibOf(Fixtures.FixtureDylibs dylibs) => Crate == MissingCrate ? MissingDylibPath : dylibs.RealMacro(Crate);

    /// <summary>The request for <paramref name="mode"/>: the same bytes go to both servers.</summary>
    public BuiltRequest Build(SpanMode mode, Fixtures.FixtureDylibs? dylibs = null, uint tokenContext = RequestBuilder.RootContext2021) =>
        RequestBuilder.Build(LibOf(dylibs ?? Servers.Dylibs), MacroName, Kind, Input, AttributeArgs, mode, RequestBuilder.CargoEnvironment(ExtraEnv), tokenContext);

    public override string ToString() => Name;
}
