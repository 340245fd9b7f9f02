using System.Collections.Concurrent;

namespace ProcMacroSrv.TokenModel;

/// <summary>
/// An interned string: identifier names, literal bodies and suffixes. Two symbols with the
/// same text share one string instance, so equality is a reference comparison.
/// </summary>
/// <remarks>
/// The interner is process-wide and never shrinks, as rustc's is for a session: the same
/// identifiers recur across expansions, and interning once keeps every later comparison cheap.
/// </remarks>
public readonly struct Symbol : IEquatable<Symbol>
{
    private static readonly ConcurrentDictionary<string, string> Table = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> SpanLookup =
        Table.GetAlternateLookup<ReadOnlySpan<char>>();

    private readonly string? _text;

    private Symbol(string text) => _text = text;

    /// <summary>The symbol's text; the empty string for <c>default(Symbol)</c>.</summary>
    public string Text => _text ?? string.Empty;

    /// <summary>Interns <paramref name="text"/>.</summary>
    public static Symbol Intern(string text)
    {
        if (Table.TryGetValue(text, out var existing)) return new Symbol(existing);
        return new Symbol(Table.GetOrAdd(text, text));
    }

    /// <summary>Interns <paramref name="text"/> without allocating when it is already known.</summary>
    public static Symbol Intern(ReadOnlySpan<char> text)
    {
        if (SpanLookup.TryGetValue(text, out var existing)) return new Symbol(existing);
        var s = text.ToString();
        return new Symbol(Table.GetOrAdd(s, s));
    }

    /// <inheritdoc/>
    public bool Equals(Symbol other) => ReferenceEquals(_text, other._text) || Text == other.Text;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Symbol s && Equals(s);

    /// <inheritdoc/>
    public override int GetHashCode() => Text.GetHashCode(StringComparison.Ordinal);

    /// <inheritdoc/>
    public override string ToString() => Text;

    /// <summary>Compares two symbols by text.</summary>
    public static bool operator ==(Symbol left, Symbol right) => left.Equals(right);

    /// <summary>Compares two symbols by text.</summary>
    public static bool operator !=(Symbol left, Symbol right) => !left.Equals(right);
}
