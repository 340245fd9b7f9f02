using ProcMacroSrv.TokenModel;

namespace ProcMacroSrv.Protocol;

/// <summary>Turns spans into the u32 references a FlatTree stores (the encoding half of a span mode).</summary>
public interface ISpanWriter
{
    /// <summary>The reference for <paramref name="span"/>. Called in the exact order of section 3.7, so a table-based writer can append new spans in wire order.</summary>
    /// <exception cref="ProtocolException">The span cannot be expressed in this mode.</exception>
    uint Write(Span span);
}

/// <summary>Turns the u32 references of a FlatTree back into spans (the decoding half of a span mode).</summary>
public interface ISpanReader
{
    /// <summary>The span that <paramref name="reference"/> stands for.</summary>
    /// <exception cref="ProtocolException">The reference cannot be resolved at all.</exception>
    Span Read(uint reference);

    /// <summary>
    /// The "entire" span of a decoded group, which the wire does not carry (section 3.8): derived
    /// from the open and close spans according to the mode.
    /// </summary>
    Span JoinDelimiters(Span open, Span close);
}

/// <summary>
/// The Id span mode: a reference is the client's opaque span id, carried as
/// <see cref="Span.Opaque(uint)"/>. A group's entire span is its close span.
/// </summary>
public sealed class SpanIds : ISpanWriter, ISpanReader
{
    /// <summary>The only instance; the mode is stateless.</summary>
    public static readonly SpanIds Instance = new();

    private SpanIds() { }

    /// <inheritdoc/>
    /// <exception cref="ProtocolException"><paramref name="span"/> is a located span, which has no id.</exception>
    public uint Write(Span span)
    {
        if (!span.IsOpaque)
            throw new ProtocolException($"span {span} is a located span and cannot be written in Id span mode");
        return span.OpaqueId;
    }

    /// <inheritdoc/>
    public Span Read(uint reference) => Span.Opaque(reference);

    /// <inheritdoc/>
    public Span JoinDelimiters(Span open, Span close) => close;
}
