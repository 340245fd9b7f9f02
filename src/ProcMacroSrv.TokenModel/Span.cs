namespace ProcMacroSrv.TokenModel;

/// <summary>
/// Where a token came from. One shape serves both span models of rust-analyzer:
/// <list type="bullet">
/// <item>a <b>located</b> span is rust-analyzer's <c>SpanData</c>: an editioned file id, an
/// anchor (AST id), a byte range relative to the anchor, and a syntax context;</item>
/// <item>an <b>opaque</b> span (json-legacy "Id" mode) carries only a client-chosen id, which
/// the server must hand back unchanged and never interpret.</item>
/// </list>
/// </summary>
/// <param name="FileId">Editioned file id: bit 31 reserved, bits 30..23 edition, bits 22..0 file index.</param>
/// <param name="AstId">The anchor node the range is relative to.</param>
/// <param name="Start">Start byte offset, relative to the anchor.</param>
/// <param name="End">End byte offset (exclusive), relative to the anchor.</param>
/// <param name="Context">Syntax context (hygiene) id.</param>
public readonly record struct Span(uint FileId, uint AstId, uint Start, uint End, uint Context)
{
    // Bit 31 of a file id is reserved and rejected in every real span table, so a file id
    // with all bits set can never collide with a located span.
    private const uint OpaqueFileId = 0xFFFF_FFFF;

    /// <summary>The anchor of a whole file (kind Root, index 0, hash 0).</summary>
    public const uint RootAnchor = 0xA800_0000;

    /// <summary>rust-analyzer's "fixup" anchor: synthetic spans whose range must not change.</summary>
    public const uint FixupAnchor = 0;

    /// <summary>The root syntax context for edition 2024.</summary>
    public const uint RootContext2024 = 0xFFFF_FF00;

    /// <summary>An opaque span carrying the client's id.</summary>
    public static Span Opaque(uint id) => new(OpaqueFileId, id, 0, 0, 0);

    /// <summary>A span of <paramref name="start"/>..<paramref name="end"/> at the root of file <paramref name="fileId"/>.</summary>
    public static Span InFile(uint fileId, uint start, uint end, uint context = RootContext2024) =>
        new(fileId, RootAnchor, start, end, context);

    /// <summary>True for an opaque (Id-mode) span.</summary>
    public bool IsOpaque => FileId == OpaqueFileId;

    /// <summary>The client's id of an opaque span.</summary>
    public uint OpaqueId => AstId;

    /// <summary>True when the span is anchored at the fixup marker.</summary>
    public bool IsFixup => !IsOpaque && AstId == FixupAnchor;

    /// <summary>The same anchor and context with another range.</summary>
    public Span WithRange(uint start, uint end) => this with { Start = start, End = end };

    /// <inheritdoc/>
    public override string ToString() => IsOpaque ? $"#{AstId}" : $"{FileId}:{AstId:x8}:{Start}..{End}@{Context:x}";
}

/// <summary>The three spans of a delimited group: its opening and closing delimiter, and the whole.</summary>
/// <param name="Open">The opening delimiter.</param>
/// <param name="Close">The closing delimiter.</param>
/// <param name="Entire">The whole group, from open to close.</param>
public readonly record struct DelimSpan(Span Open, Span Close, Span Entire)
{
    /// <summary>All three the same span, as <c>Group::new</c> and <c>set_span</c> make them.</summary>
    public static DelimSpan Single(Span span) => new(span, span, span);
}
