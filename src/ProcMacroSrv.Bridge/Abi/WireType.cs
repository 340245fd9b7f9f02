namespace ProcMacroSrv.Bridge.Abi;

/// <summary>The shape of a value on the bridge wire (bridge-abi.md section 4).</summary>
public enum WireKind : byte
{
    /// <summary><c>()</c>: nothing on the wire.</summary>
    Unit,
    /// <summary>One byte, 0 or 1.</summary>
    Bool,
    /// <summary>One byte.</summary>
    U8,
    /// <summary>Four bytes, little-endian.</summary>
    U32,
    /// <summary>Eight bytes, little-endian.</summary>
    Usize,
    /// <summary>A Unicode scalar value as a u32.</summary>
    Char,
    /// <summary><c>&amp;str</c> or <c>String</c>: usize length + UTF-8.</summary>
    String,
    /// <summary><c>&amp;[u8]</c>: usize length + bytes.</summary>
    Bytes,
    /// <summary><c>Option&lt;T&gt;</c>: Some = 0 + T, None = 1.</summary>
    Option,
    /// <summary><c>Result&lt;T, E&gt;</c>: Ok = 0 + T, Err = 1 + E.</summary>
    Result,
    /// <summary><c>Vec&lt;T&gt;</c>: usize count + items.</summary>
    Vec,
    /// <summary><c>Bound&lt;usize&gt;</c>: Included 0 / Excluded 1 + usize, Unbounded 2.</summary>
    Bound,
    /// <summary><c>Range&lt;usize&gt;</c>: start, end.</summary>
    Range,
    /// <summary><c>LineColumn</c>: line, column (usize each).</summary>
    LineColumn,
    /// <summary><c>Delimiter</c>: one byte.</summary>
    Delimiter,
    /// <summary><c>Spacing</c>: one byte.</summary>
    Spacing,
    /// <summary><c>Level</c> of a diagnostic: one byte.</summary>
    Level,
    /// <summary>A handle (u32) to a value of the handle type named by <see cref="WireType.Handle"/>.</summary>
    Handle,
    /// <summary>A token tree: a u8 variant tag, then the struct (A85+) or a handle (A63).</summary>
    TokenTree,
    /// <summary>A literal struct: kind, symbol, suffix, span.</summary>
    Literal,
    /// <summary>A diagnostic struct: level, message, spans, children.</summary>
    Diagnostic,
    /// <summary>A symbol: its text as a string (A85+).</summary>
    Symbol,
}

/// <summary>Whether a handle argument is consumed (by value) or only looked up (<c>&amp;T</c>).</summary>
public enum Passing : byte
{
    /// <summary>By value: an owned handle is removed from its store.</summary>
    ByValue,
    /// <summary>By reference: the handle is only looked up.</summary>
    ByRef,
    /// <summary>By mutable reference: looked up, and the operation may store a new value under the same handle.</summary>
    ByMut,
}

/// <summary>The handle types of the bridge. Which exist, and whether owned or interned, is per ABI.</summary>
public enum HandleType : byte
{
    /// <summary>Never given to the client; exists only in old counters.</summary>
    FreeFunctions,
    /// <summary>A token stream (owned).</summary>
    TokenStream,
    /// <summary>A span (interned).</summary>
    Span,
    /// <summary>A source file (owned, A63/A85).</summary>
    SourceFile,
    /// <summary>A group (owned, A63).</summary>
    Group,
    /// <summary>A literal (owned, A63).</summary>
    Literal,
    /// <summary>A multi-span (owned, A63).</summary>
    MultiSpan,
    /// <summary>A diagnostic under construction (owned, A63).</summary>
    Diagnostic,
    /// <summary>A punct (interned, A63).</summary>
    Punct,
    /// <summary>An identifier (interned, A63).</summary>
    Ident,
}

/// <summary>A wire type: a kind plus, where the kind needs them, its item types or handle type.</summary>
public sealed record WireType(WireKind Kind, WireType? Item = null, WireType? Error = null, HandleType Handle = default, Passing Passing = Passing.ByValue)
{
    /// <summary><c>()</c></summary>
    public static readonly WireType Unit = new(WireKind.Unit);
    /// <summary><c>bool</c></summary>
    public static readonly WireType Bool = new(WireKind.Bool);
    /// <summary><c>usize</c></summary>
    public static readonly WireType Usize = new(WireKind.Usize);
    /// <summary><c>&amp;str</c> / <c>String</c></summary>
    public static readonly WireType Str = new(WireKind.String);
    /// <summary><c>Symbol</c></summary>
    public static readonly WireType Symbol = new(WireKind.Symbol);
    /// <summary><c>Bound&lt;usize&gt;</c></summary>
    public static readonly WireType Bound = new(WireKind.Bound);
    /// <summary><c>Range&lt;usize&gt;</c></summary>
    public static readonly WireType UsizeRange = new(WireKind.Range);
    /// <summary><c>TokenTree</c></summary>
    public static readonly WireType TokenTree = new(WireKind.TokenTree);
    /// <summary><c>Literal</c> struct</summary>
    public static readonly WireType Literal = new(WireKind.Literal);
    /// <summary><c>Diagnostic</c> struct</summary>
    public static readonly WireType Diagnostic = new(WireKind.Diagnostic);

    /// <summary>A handle passed by value (consumed when owned).</summary>
    public static WireType Owned(HandleType type) => new(WireKind.Handle, Handle: type, Passing: Passing.ByValue);

    /// <summary>A handle passed by reference.</summary>
    public static WireType Borrowed(HandleType type) => new(WireKind.Handle, Handle: type, Passing: Passing.ByRef);

    /// <summary>A handle passed by mutable reference.</summary>
    public static WireType Mutable(HandleType type) => new(WireKind.Handle, Handle: type, Passing: Passing.ByMut);

    /// <summary><c>char</c> (a u32 scalar value)</summary>
    public static readonly WireType CharScalar = new(WireKind.Char);
    /// <summary><c>&amp;[u8]</c></summary>
    public static readonly WireType Bytes = new(WireKind.Bytes);
    /// <summary><c>Delimiter</c></summary>
    public static readonly WireType Delimiter = new(WireKind.Delimiter);
    /// <summary><c>Spacing</c></summary>
    public static readonly WireType Spacing = new(WireKind.Spacing);
    /// <summary><c>Level</c></summary>
    public static readonly WireType Level = new(WireKind.Level);
    /// <summary><c>LineColumn</c></summary>
    public static readonly WireType LineColumn = new(WireKind.LineColumn);

    /// <summary><c>Option&lt;T&gt;</c></summary>
    public static WireType Option(WireType item) => new(WireKind.Option, item);

    /// <summary><c>Result&lt;T, E&gt;</c></summary>
    public static WireType Result(WireType ok, WireType err) => new(WireKind.Result, ok, err);

    /// <summary><c>Vec&lt;T&gt;</c></summary>
    public static WireType Vec(WireType item) => new(WireKind.Vec, item);

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        WireKind.Handle => (Passing switch { Passing.ByRef => "&", Passing.ByMut => "&mut ", _ => "" }) + Handle,
        WireKind.Option => $"Option<{Item}>",
        WireKind.Result => $"Result<{Item}, {Error}>",
        WireKind.Vec => $"Vec<{Item}>",
        _ => Kind.ToString(),
    };
}
