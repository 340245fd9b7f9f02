using System.Net;
using System.Text.RegularExpressions;

namespace ProcMacroSrv.Bridge.Abi.Learning;

/// <summary>
/// Reads one bridge source file as Rust text: a plain <c>.rs</c> file as it is, a rustdoc source
/// page (<c>.rs.html</c>, from the rust-docs component) with its line numbers and markup removed.
/// </summary>
public static partial class BridgeSourceText
{
    /// <summary>Reads <paramref name="path"/>; <c>.html</c> files are converted from rustdoc's source view.</summary>
    /// <exception cref="InvalidDataException">An HTML file is not a rustdoc source page.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static string Read(string path)
    {
        var text = File.ReadAllText(path);
        return path.EndsWith(".html", StringComparison.OrdinalIgnoreCase) ? FromRustdocHtml(text, path) : text;
    }

    /// <summary>
    /// The Rust source shown by a rustdoc source page: the text of its <c>&lt;pre class="rust"&gt;</c>
    /// block without the line-number anchors, tags removed and entities decoded.
    /// </summary>
    /// <param name="html">The page.</param>
    /// <param name="name">The page's name, for the error message.</param>
    /// <exception cref="InvalidDataException">No source block is found.</exception>
    public static string FromRustdocHtml(string html, string name)
    {
        // Current rustdoc: one <pre class="rust"><code> with an <a … data-nosnippet>N</a> per line.
        // Older rustdoc put the line numbers into a separate <pre class="src-line-numbers">, which
        // is not inside the rust block and so is dropped by taking that block alone.
        var block = SourceBlock().Match(html);
        if (!block.Success) throw new InvalidDataException($"{name}: no <pre class=\"rust\"> source block: not a rustdoc source page");
        var code = block.Groups["code"].Value;
        code = LineNumberAnchor().Replace(code, "");
        code = Tag().Replace(code, "");
        return WebUtility.HtmlDecode(code);
    }

    [GeneratedRegex("""<pre class="rust[^"]*"[^>]*>(?:<code>)?(?<code>.*?)(?:</code>)?</pre>""", RegexOptions.Singleline)]
    private static partial Regex SourceBlock();

    [GeneratedRegex("""<a [^>]*data-nosnippet[^>]*>\d+</a>""")]
    private static partial Regex LineNumberAnchor();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tag();
}
