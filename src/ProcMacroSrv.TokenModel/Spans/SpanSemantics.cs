namespace ProcMacroSrv.TokenModel.Spans;

/// <summary>
/// What the span operations of <c>proc_macro::Span</c> answer for one kind of span. The bridge
/// asks this object and never interprets spans itself, so the same interpreter serves
/// json-legacy Id mode (<see cref="OpaqueSpanSemantics"/>), rust-analyzer span mode
/// (<see cref="LocatedSpanSemantics"/>) and hand-fed source text (<see cref="SourceTextSpanSemantics"/>).
/// </summary>
public abstract class SpanSemantics
{
    /// <summary>Creates the semantics for one expansion with its three global spans.</summary>
    protected SpanSemantics(Span defSite, Span callSite, Span mixedSite)
    {
        DefSite = defSite;
        CallSite = callSite;
        MixedSite = mixedSite;
    }

    /// <summary><c>Span::def_site()</c>.</summary>
    public Span DefSite { get; }

    /// <summary><c>Span::call_site()</c>.</summary>
    public Span CallSite { get; }

    /// <summary><c>Span::mixed_site()</c>.</summary>
    public Span MixedSite { get; }

    /// <summary>The span of a token parsed by <c>TokenStream::from_str</c> at the given byte range of the parsed text.</summary>
    /// <remarks>rustc gives every parsed token the call-site span (it parses with an override span).</remarks>
    public virtual Span ParsedTokenSpan(int start, int end) => CallSite;

    /// <summary><c>Span::join</c>: a span covering both, or null when they cannot be joined.</summary>
    public abstract Span? Join(Span first, Span second);

    /// <summary><c>Literal::subspan</c>: the part of <paramref name="span"/> from <paramref name="start"/> to <paramref name="end"/> (byte offsets into the span's text), or null.</summary>
    public abstract Span? Subspan(Span span, ulong start, ulong end);

    /// <summary><c>Span::resolved_at</c>: the location of <paramref name="span"/> with the hygiene of <paramref name="at"/>.</summary>
    public abstract Span ResolvedAt(Span span, Span at);

    /// <summary><c>Span::start</c>: an empty span at the start.</summary>
    public abstract Span Start(Span span);

    /// <summary><c>Span::end</c>: an empty span at the end.</summary>
    public abstract Span End(Span span);

    /// <summary><c>Span::line</c>: 1-based line of the start.</summary>
    public virtual int Line(Span span) => 1;

    /// <summary><c>Span::column</c>: 1-based column of the start.</summary>
    public virtual int Column(Span span) => 1;

    /// <summary><c>Span::byte_range</c>.</summary>
    public abstract (ulong Start, ulong End) ByteRange(Span span);

    /// <summary><c>Span::source_text</c>, or null when unknown.</summary>
    public virtual string? SourceText(Span span) => null;

    /// <summary><c>Span::file</c>: the file's path as text.</summary>
    public virtual string File(Span span) => string.Empty;

    /// <summary><c>Span::local_file</c>: the path of a real file on disk, or null.</summary>
    public virtual string? LocalFile(Span span) => null;

    /// <summary><c>Span::parent</c>: the span of the macro call that produced this span, or null.</summary>
    public virtual Span? Parent(Span span) => null;

    /// <summary><c>Span::source</c>: the span in the original source, here the span itself.</summary>
    public virtual Span Source(Span span) => span;

    /// <summary>The <c>{:?}</c> text of a span.</summary>
    public abstract string Debug(Span span);

    /// <summary>The "entire" span of a group read from the client, from its open and close spans.</summary>
    public abstract Span GroupEntire(Span open, Span close);
}

/// <summary>
/// json-legacy Id mode: spans are the client's opaque ids. Operations that would need a
/// location answer what rust-analyzer's server answers (protocol.md section 5.10).
/// </summary>
public sealed class OpaqueSpanSemantics : SpanSemantics
{
    /// <summary>Creates the semantics with the request's global span ids.</summary>
    public OpaqueSpanSemantics(Span defSite, Span callSite, Span mixedSite) : base(defSite, callSite, mixedSite) { }

    /// <inheritdoc/>
    public override Span? Join(Span first, Span second) => first;

    /// <inheritdoc/>
    public override Span? Subspan(Span span, ulong start, ulong end) => span;

    /// <inheritdoc/>
    public override Span ResolvedAt(Span span, Span at) => CallSite;

    /// <inheritdoc/>
    public override Span Start(Span span) => CallSite;

    /// <inheritdoc/>
    public override Span End(Span span) => CallSite;

    /// <inheritdoc/>
    public override (ulong Start, ulong End) ByteRange(Span span) => (0, 0);

    /// <inheritdoc/>
    public override string Debug(Span span) => span.OpaqueId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public override Span GroupEntire(Span open, Span close) => close;
}

/// <summary>
/// Located spans (rust-analyzer's <c>SpanData</c>): ranges relative to an anchor node in a file,
/// with a hygiene context. Without a source of file text, line and column are 1 and source
/// text is unknown.
/// </summary>
public class LocatedSpanSemantics : SpanSemantics
{
    /// <summary>Creates the semantics with the request's global spans.</summary>
    public LocatedSpanSemantics(Span defSite, Span callSite, Span mixedSite) : base(defSite, callSite, mixedSite) { }

    private static bool SameAnchor(Span a, Span b) => a.FileId == b.FileId && a.AstId == b.AstId;

    /// <summary>True for rust-analyzer's root syntax contexts (one per edition).</summary>
    protected static bool IsRootContext(uint context) => context >= 0xFFFF_FF00;

    /// <inheritdoc/>
    public override Span? Join(Span first, Span second)
    {
        if (first.IsFixup) return second;
        if (second.IsFixup) return first;
        if (!SameAnchor(first, second)) return null;
        if (first.Context != second.Context)
        {
            // Prefer the span that carries macro hygiene over a root (plain source) context.
            if (IsRootContext(first.Context)) return Cover(second, first, second);
            if (IsRootContext(second.Context)) return Cover(first, first, second);
        }
        return Cover(second, first, second);
    }

    private static Span Cover(Span template, Span a, Span b) =>
        template with { Start = Math.Min(a.Start, b.Start), End = Math.Max(a.End, b.End) };

    /// <inheritdoc/>
    public override Span? Subspan(Span span, ulong start, ulong end)
    {
        if (span.IsFixup) return span;
        var length = (ulong)(span.End - span.Start);
        if (start > end || end > length || start == end) return null;
        return span with { Start = span.Start + (uint)start, End = span.Start + (uint)end };
    }

    /// <inheritdoc/>
    public override Span ResolvedAt(Span span, Span at) => span with { Context = at.Context };

    /// <inheritdoc/>
    public override Span Start(Span span) => span.IsFixup ? span : span with { End = span.Start };

    /// <inheritdoc/>
    public override Span End(Span span) => span.IsFixup ? span : span with { Start = span.End };

    /// <inheritdoc/>
    public override (ulong Start, ulong End) ByteRange(Span span) => (span.Start, span.End);

    /// <inheritdoc/>
    public override string Debug(Span span)
    {
        var edition = (span.FileId >> 23) & 0xFF;
        var file = span.FileId & 0x7F_FFFF;
        var editionName = edition switch { 0 => "Edition2015", 1 => "Edition2018", 2 => "Edition2021", 3 => "Edition2024", _ => $"Edition({edition})" };
        var kind = span.AstId >> 27;
        var index = (span.AstId >> 16) & 0x7FF;
        var hash = span.AstId & 0xFFFF;
        return $"SpanData {{ range: {span.Start}..{span.End}, anchor: SpanAnchor(EditionedFileId({file}, {editionName}), ErasedFileAstId {{ kind: {AstKindName(kind)}, index: {index}, hash: {hash:X4} }}), ctx: SyntaxContext({span.Context}) }}";
    }

    private static string AstKindName(uint kind) => kind switch
    {
        0 => "Fixup", 1 => "Enum", 2 => "Struct", 3 => "Union", 4 => "ExternCrate", 5 => "MacroDef",
        6 => "MacroRules", 7 => "Module", 8 => "Static", 9 => "Trait", 10 => "Variant", 11 => "Const",
        12 => "Fn", 13 => "MacroCall", 14 => "TypeAlias", 15 => "ExternBlock", 16 => "Use", 17 => "Impl",
        18 => "BlockExpr", 19 => "AsmExpr", 20 => "NoDownmap", 21 => "Root", _ => kind.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <inheritdoc/>
    public override Span GroupEntire(Span open, Span close)
    {
        if (open.IsFixup) return close;
        if (close.IsFixup) return open;
        if (SameAnchor(open, close) && open.Context == close.Context)
            return close with { Start = Math.Min(open.Start, close.Start), End = Math.Max(open.End, close.End) };
        return close;
    }
}

/// <summary>
/// Spans into source texts the server holds itself (the CLI's <c>expand</c>): line, column,
/// byte range and source text are answered from the text, as rustc answers them for a real file.
/// </summary>
public sealed class SourceTextSpanSemantics : LocatedSpanSemantics
{
    private readonly IReadOnlyDictionary<uint, SourceFileText> _files;

    /// <summary>Creates the semantics over the given files (keyed by file index, edition bits excluded).</summary>
    public SourceTextSpanSemantics(Span defSite, Span callSite, Span mixedSite, IReadOnlyDictionary<uint, SourceFileText> files)
        : base(defSite, callSite, mixedSite) => _files = files;

    private SourceFileText? FileOf(Span span) =>
        !span.IsOpaque && _files.TryGetValue(span.FileId & 0x7F_FFFF, out var f) ? f : null;

    /// <inheritdoc/>
    public override int Line(Span span) => FileOf(span)?.LineColumn(span.Start).Line ?? 1;

    /// <inheritdoc/>
    public override int Column(Span span) => FileOf(span)?.LineColumn(span.Start).Column ?? 1;

    /// <inheritdoc/>
    public override string? SourceText(Span span) => FileOf(span)?.Slice(span.Start, span.End);

    /// <inheritdoc/>
    public override string File(Span span) => FileOf(span)?.Name ?? string.Empty;

    /// <inheritdoc/>
    public override string? LocalFile(Span span) => FileOf(span)?.LocalPath;

    /// <inheritdoc/>
    public override string Debug(Span span) => $"#{span.Context & 0xFF} bytes({span.Start}..{span.End})";
}

/// <summary>A source text known to the server, with its name and (if it is a real file) its path.</summary>
public sealed class SourceFileText
{
    private readonly byte[] _utf8;
    private readonly int[] _lineStarts;

    /// <summary>Creates a source text.</summary>
    public SourceFileText(string name, string text, string? localPath = null)
    {
        Name = name;
        LocalPath = localPath;
        _utf8 = System.Text.Encoding.UTF8.GetBytes(text);
        var starts = new List<int> { 0 };
        for (var i = 0; i < _utf8.Length; i++) if (_utf8[i] == (byte)'\n') starts.Add(i + 1);
        _lineStarts = starts.ToArray();
    }

    /// <summary>The name <c>Span::file</c> reports.</summary>
    public string Name { get; }

    /// <summary>The path on disk, if the text came from a file.</summary>
    public string? LocalPath { get; }

    /// <summary>1-based line and column (in characters, as rustc counts them) of a byte offset.</summary>
    public (int Line, int Column) LineColumn(uint offset)
    {
        var at = (int)Math.Min(offset, (uint)_utf8.Length);
        var line = Array.BinarySearch(_lineStarts, at);
        if (line < 0) line = ~line - 1;
        var start = _lineStarts[line];
        // rustc counts columns in chars (Unicode scalar values): count UTF-8 lead bytes.
        var column = 0;
        for (var i = start; i < at; i++) if ((_utf8[i] & 0xC0) != 0x80) column++;
        return (line + 1, column + 1);
    }

    /// <summary>The text between two byte offsets, or null when they are out of range or split a character.</summary>
    public string? Slice(uint start, uint end)
    {
        if (start > end || end > _utf8.Length) return null;
        try
        {
            return new System.Text.UTF8Encoding(false, true).GetString(_utf8, (int)start, (int)(end - start));
        }
        catch (System.Text.DecoderFallbackException)
        {
            return null;
        }
    }
}
