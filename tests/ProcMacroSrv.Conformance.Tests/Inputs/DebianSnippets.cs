using ProcMacroSrv.Cli;
using ProcMacroSrv.TokenModel;
using ProcMacroSrv.TokenModel.Lexing;

namespace ProcMacroSrv.Conformance.Tests.Inputs;

/// <summary>
/// Real code: runs of whole items cut from a deterministic selection of the Debian crate sources
/// in /usr/share/cargo/registry (read at test time, never copied into the repository). Every
/// <see cref="FileStride"/>th <c>.rs</c> file in ordinal path order is taken; from each, the
/// first and the last run of top-level token trees that ends an item (after a <c>;</c> or a
/// brace group) and is between <see cref="MinLength"/> and <see cref="MaxLength"/> bytes long.
/// The text is what rustc reads (byte order mark removed, CRLF as LF).
/// </summary>
public static class DebianSnippets
{
    /// <summary>Where Debian's librust-*-dev packages put crate sources.</summary>
    public const string Registry = "/usr/share/cargo/registry";

    private const int FileStride = 37;
    private const int MinLength = 120;
    private const int MaxLength = 2400;

    /// <summary>The snippets, named <c>debian/&lt;path below the registry&gt;@&lt;byte offset&gt;</c>.</summary>
    public static IReadOnlyList<(string Id, string Text)> Load()
    {
        if (!Directory.Exists(Registry))
            throw new InvalidOperationException($"{Registry} is missing: install Debian's librust-*-dev packages (scripts/install-deps.sh)");
        var files = Directory.EnumerateFiles(Registry, "*.rs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Registry, f))
            .Order(StringComparer.Ordinal)
            .ToList();
        var snippets = new List<(string, string)>();
        for (var i = 0; i < files.Count; i += FileStride)
        {
            var text = SourceTextInput.NormalizeSource(File.ReadAllText(Path.Combine(Registry, files[i])));
            foreach (var (start, end) in Cut(text))
                snippets.Add(($"debian/{files[i]}@{start}", Utf8Slice(text, start, end)));
        }
        return snippets;
    }

    /// <summary>The byte ranges of the first and last item runs of a file that lexes cleanly.</summary>
    private static IEnumerable<(int Start, int End)> Cut(string text)
    {
        var parsed = TokenStreamParser.Parse(text, static (s, e) => new Span(0, 0, (uint)s, (uint)e, 0));
        if (!parsed.IsSuccess) yield break;
        var runs = new List<(int, int)>();
        var trees = parsed.Stream!.AsSpan();
        var runStart = -1;
        foreach (var tree in trees)
        {
            if (runStart < 0) runStart = (int)tree.Span.Start;
            var endsItem = tree is Punct { Char: ';' } || tree is Group { Delimiter: Delimiter.Brace };
            if (!endsItem) continue;
            var end = (int)tree.Span.End;
            var length = end - runStart;
            if (length >= MinLength && length <= MaxLength) runs.Add((runStart, end));
            if (length >= MinLength) runStart = -1;
        }
        if (runs.Count == 0) yield break;
        yield return runs[0];
        if (runs.Count > 1) yield return runs[^1];
    }

    private static string Utf8Slice(string text, int start, int end)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        return System.Text.Encoding.UTF8.GetString(bytes, start, end - start);
    }
}
