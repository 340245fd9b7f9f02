using System.Globalization;
using System.Text;

namespace ProcMacroSrv.Conformance.Tests.Inputs;

/// <summary>One input of the hand-written corpus.</summary>
/// <param name="Id">File name and entry name: <c>literals/raw-string-3</c>.</param>
/// <param name="Text">The input.</param>
/// <param name="Tokens">Also given as macro input (it lexes cleanly in a source file).</param>
/// <param name="Strings">Also given to the string parsers.</param>
public sealed record CorpusEntry(string Id, string Text, bool Tokens, bool Strings);

/// <summary>
/// The corpus files in <c>corpus/*.txt</c>. A file is a list of entries, each opened by a header
/// line (nothing else in a file starts with <c>===</c>):
/// <list type="bullet">
/// <item><c>=== NAME [FLAGS]</c>: one entry, whose text is every line up to the next header
/// (without the last line break);</item>
/// <item><c>=== lines NAME [FLAGS]</c>: one entry per following non-empty line, named
/// <c>NAME-1</c>, <c>NAME-2</c>, ….</item>
/// </list>
/// Flags: <c>tok</c> (macro input only), <c>str</c> (string parsers only; the default is both),
/// <c>esc</c> (the text spells characters a text file cannot hold safely as <c>\u{HEX}</c>;
/// <c>\\u</c> stands for a literal <c>\u</c>). Lines before the first header are comments.
/// </summary>
public static class CorpusFile
{
    /// <summary>The directory of the corpus files next to the test assembly.</summary>
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "corpus");

    /// <summary>Every entry of every corpus file, in file name and then file order.</summary>
    public static IReadOnlyList<CorpusEntry> LoadAll()
    {
        var files = System.IO.Directory.GetFiles(Directory, "*.txt").Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw new InvalidOperationException($"no corpus files in {Directory}");
        var entries = new List<CorpusEntry>();
        foreach (var file in files) entries.AddRange(Parse(Path.GetFileNameWithoutExtension(file), File.ReadAllText(file, Encoding.UTF8)));
        var duplicate = entries.GroupBy(e => e.Id).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InvalidOperationException($"corpus entry {duplicate.Key} is defined twice");
        return entries;
    }

    /// <summary>The entries of one file's text.</summary>
    public static IEnumerable<CorpusEntry> Parse(string fileName, string content)
    {
        var lines = content.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var i = 0;
        while (i < lines.Length && !lines[i].StartsWith("===", StringComparison.Ordinal)) i++;
        while (i < lines.Length)
        {
            var header = lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            i++;
            var body = new List<string>();
            while (i < lines.Length && !lines[i].StartsWith("===", StringComparison.Ordinal)) body.Add(lines[i++]);
            var perLine = header.Length > 1 && header[1] == "lines";
            var nameAt = perLine ? 2 : 1;
            if (header.Length <= nameAt) throw new FormatException($"{fileName}: header without a name before line {i}");
            var name = header[nameAt];
            var flags = header.Skip(nameAt + 1).ToHashSet(StringComparer.Ordinal);
            var unknown = flags.Except(["tok", "str", "esc"]).FirstOrDefault();
            if (unknown is not null) throw new FormatException($"{fileName}/{name}: unknown flag {unknown}");
            var tokens = !flags.Contains("str") || flags.Contains("tok");
            var strings = !flags.Contains("tok") || flags.Contains("str");
            string Decode(string text) => flags.Contains("esc") ? Unescape(text) : text;
            if (perLine)
            {
                var n = 0;
                foreach (var line in body)
                {
                    if (line.Length == 0) continue;
                    n++;
                    yield return new CorpusEntry($"{fileName}/{name}-{n}", Decode(line), tokens, strings);
                }
            }
            else
            {
                // Trailing empty lines separate entries; they are not part of the text.
                while (body.Count > 0 && body[^1].Length == 0) body.RemoveAt(body.Count - 1);
                yield return new CorpusEntry($"{fileName}/{name}", Decode(string.Join('\n', body)), tokens, strings);
            }
        }
    }

    private static string Unescape(string text)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] == '\\' && i + 2 < text.Length && text[i + 2] == 'u')
            {
                sb.Append("\\u");
                i += 2;
            }
            else if (text[i] == '\\' && i + 2 < text.Length && text[i + 1] == 'u' && text[i + 2] == '{')
            {
                var close = text.IndexOf('}', i);
                sb.Append(char.ConvertFromUtf32(int.Parse(text.AsSpan(i + 3, close - i - 3), NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
                i = close;
            }
            else
            {
                sb.Append(text[i]);
            }
        }
        return sb.ToString();
    }
}
