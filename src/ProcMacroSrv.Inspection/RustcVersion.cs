using System.Diagnostics.CodeAnalysis;

namespace ProcMacroSrv.Inspection;

/// <summary>The release channel of a rustc build, from the suffix of its version number.</summary>
public enum RustcChannel
{
    /// <summary>No suffix: <c>rustc 1.95.0</c>.</summary>
    Stable,

    /// <summary><c>-beta</c> or <c>-beta.N</c>.</summary>
    Beta,

    /// <summary><c>-nightly</c>.</summary>
    Nightly,

    /// <summary><c>-dev</c>: a local build from source.</summary>
    Dev,
}

/// <summary>
/// A rustc version string as rustc embeds it in crate metadata (and prints for <c>rustc -V</c>),
/// e.g. <c>rustc 1.95.0 (59807616e 2026-04-14)</c>, <c>rustc 1.97.0-nightly (e50aa6fba 2026-05-19)</c>,
/// <c>rustc 1.63.0</c> or <c>rustc 1.85.0 (4d91de4e4 2025-02-17) (built from a source tarball)</c>.
/// </summary>
/// <remarks>
/// The grammar is <c>rustc MAJOR.MINOR.PATCH[-CHANNEL]</c>, then optionally <c>(COMMIT DATE)</c>,
/// then any number of parenthesized notes that distributions add. The proc_macro bridge ABI is
/// only guaranteed between identical builds, so <see cref="Raw"/> is what callers compare exactly;
/// the parsed fields are for choosing and reporting.
/// </remarks>
public sealed record RustcVersion
{
    private const string Tag = "rustc ";

    private RustcVersion(string raw, int major, int minor, int patch, RustcChannel channel, string? commit, DateOnly? date)
    {
        Raw = raw;
        Major = major;
        Minor = minor;
        Patch = patch;
        Channel = channel;
        Commit = commit;
        Date = date;
    }

    /// <summary>The whole version string, exactly as found.</summary>
    public string Raw { get; }

    /// <summary>The major version (1 for every Rust release so far).</summary>
    public int Major { get; }

    /// <summary>The minor version: 95 in 1.95.0.</summary>
    public int Minor { get; }

    /// <summary>The patch version: 0 in 1.95.0.</summary>
    public int Patch { get; }

    /// <summary>The release channel.</summary>
    public RustcChannel Channel { get; }

    /// <summary>The abbreviated commit hash (e.g. <c>59807616e</c>), or null when the build has none (Debian's 1.63).</summary>
    public string? Commit { get; }

    /// <summary>The commit date, present exactly when <see cref="Commit"/> is.</summary>
    public DateOnly? Date { get; }

    /// <summary>Parses a version string.</summary>
    /// <exception cref="FormatException">The string does not follow the grammar; the message says where.</exception>
    public static RustcVersion Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out RustcVersion? version, out string? error) ? version : throw new FormatException(error);
    }

    /// <summary>Parses a version string, returning false instead of throwing when it is malformed.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out RustcVersion? version) =>
        TryParse(text, out version, out _);

    /// <summary>Returns <see cref="Raw"/>.</summary>
    public override string ToString() => Raw;

    /// <summary>Like <see cref="TryParse(string?, out RustcVersion?)"/>, with the reason when it fails.</summary>
    internal static bool TryParse(
        string? text, [NotNullWhen(true)] out RustcVersion? version, [NotNullWhen(false)] out string? error)
    {
        version = null;
        if (text is null || !text.StartsWith(Tag, StringComparison.Ordinal))
        {
            error = $"expected `rustc <major>.<minor>.<patch>`, found `{text}`";
            return false;
        }

        int tokenEnd = text.IndexOf(' ', Tag.Length);
        if (tokenEnd < 0)
        {
            tokenEnd = text.Length;
        }

        string token = text[Tag.Length..tokenEnd];
        int dash = token.IndexOf('-');
        string number = dash < 0 ? token : token[..dash];
        string[] parts = number.Split('.');
        int[] numbers = new int[3];
        if (parts.Length != 3 || !TryParseComponent(parts[0], out numbers[0]) ||
            !TryParseComponent(parts[1], out numbers[1]) || !TryParseComponent(parts[2], out numbers[2]))
        {
            error = $"version number `{number}` is not of the form <major>.<minor>.<patch>";
            return false;
        }

        RustcChannel channel;
        if (dash < 0)
        {
            channel = RustcChannel.Stable;
        }
        else if (!TryParseChannel(token[(dash + 1)..], out channel))
        {
            error = $"unknown release channel `{token[dash..]}` (expected -beta, -beta.N, -nightly or -dev)";
            return false;
        }

        string? commit = null;
        DateOnly? date = null;
        ReadOnlySpan<char> rest = text.AsSpan(tokenEnd);
        bool first = true;
        while (!rest.IsEmpty)
        {
            if (!rest.StartsWith(" ("))
            {
                error = $"unexpected `{rest.ToString()}` after `{text[..(text.Length - rest.Length)]}`";
                return false;
            }

            int close = rest.IndexOf(')');
            ReadOnlySpan<char> note = close < 0 ? default : rest[2..close];
            if (close < 0 || note.Contains('('))
            {
                error = $"unbalanced parentheses in `{rest.Trim().ToString()}`";
                return false;
            }

            if (note.IsWhiteSpace())
            {
                error = "empty `()` in the version string";
                return false;
            }

            // Only the first note can be the commit; later ones are build descriptions.
            if (first && LooksLikeCommitAndDate(note, out ReadOnlySpan<char> hash, out ReadOnlySpan<char> dateText))
            {
                if (!TryParseDate(dateText, out DateOnly parsed))
                {
                    error = $"`{dateText.ToString()}` is not a valid commit date";
                    return false;
                }

                commit = hash.ToString();
                date = parsed;
            }

            first = false;
            rest = rest[(close + 1)..];
        }

        version = new RustcVersion(text, numbers[0], numbers[1], numbers[2], channel, commit, date);
        error = null;
        return true;
    }

    private static bool TryParseComponent(string text, out int value) => TryParseDigits(text, out value);

    /// <summary>
    /// <c>yyyy-mm-dd</c> as a valid Gregorian date (year 1 to 9999), by hand: the culture-aware
    /// <c>DateOnly.TryParseExact</c> loaded ICU and built a collator, half of the server's start-up
    /// CPU, and the server runs with invariant globalization anyway.
    /// </summary>
    internal static bool TryParseDate(ReadOnlySpan<char> text, out DateOnly date)
    {
        date = default;
        if (text.Length != 10 || text[4] != '-' || text[7] != '-' ||
            !TryParseDigits(text[..4], out int year) || !TryParseDigits(text[5..7], out int month) ||
            !TryParseDigits(text[8..], out int day))
        {
            return false;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        date = new DateOnly(year, month, day);
        return true;
    }

    /// <summary>A non-empty run of at most 9 ASCII digits (so that it fits an int) as a number.</summary>
    private static bool TryParseDigits(ReadOnlySpan<char> digits, out int value)
    {
        value = 0;
        if (digits.IsEmpty || digits.Length > 9)
        {
            return false;
        }

        foreach (char c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = value * 10 + (c - '0');
        }

        return true;
    }

    private static bool TryParseChannel(string suffix, out RustcChannel channel)
    {
        switch (suffix)
        {
            case "nightly":
                channel = RustcChannel.Nightly;
                return true;
            case "dev":
                channel = RustcChannel.Dev;
                return true;
            case "beta":
            case ['b', 'e', 't', 'a', '.', _, ..] when suffix[5..].All(char.IsAsciiDigit):
                channel = RustcChannel.Beta;
                return true;
            default:
                channel = default;
                return false;
        }
    }

    /// <summary>"59807616e 2026-04-14": 7 to 40 lowercase hex digits, a space, and something shaped like a date.</summary>
    private static bool LooksLikeCommitAndDate(ReadOnlySpan<char> note, out ReadOnlySpan<char> hash, out ReadOnlySpan<char> date)
    {
        hash = default;
        date = default;
        int space = note.IndexOf(' ');
        if (space < 0)
        {
            return false;
        }

        hash = note[..space];
        date = note[(space + 1)..];
        return hash.Length is >= 7 and <= 40 && !hash.ContainsAnyExcept("0123456789abcdef") &&
            date.Length == 10 && date[4] == '-' && date[7] == '-' &&
            !date[..4].ContainsAnyExceptInRange('0', '9') &&
            !date[5..7].ContainsAnyExceptInRange('0', '9') && !date[8..].ContainsAnyExceptInRange('0', '9');
    }
}
