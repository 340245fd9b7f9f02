using System.Text;

namespace ProcMacroSrv.Reliability.Tests.Support;

/// <summary>Hand-made json-legacy lines, valid or broken on purpose.</summary>
internal static class Wire
{
    /// <summary>A FlatTree (version 6 layout) from its six arrays, as JSON text.</summary>
    public static string Tree(string subtree, string literal = "", string punct = "", string ident = "", string tokenTree = "", string text = "") =>
        $"{{\"subtree\":[{subtree}],\"literal\":[{literal}],\"punct\":[{punct}],\"ident\":[{ident}],\"token_tree\":[{tokenTree}],\"text\":[{text}]}}";

    /// <summary>The tree of <c>hello</c>: an invisible root with one ident (every span reference 0).</summary>
    public static string HelloTree => Tree("0,0,0,0,1", ident: "0,0,0", tokenTree: "3", text: "\"hello\"");

    /// <summary>One span-table entry (file 7 of edition 2021, root anchor, 0..5, root context).</summary>
    public const string OneSpanEntry = "16777223,2818572288,0,5,4294967040";

    /// <summary>
    /// An ExpandMacro line for pm-basics' <c>stringify_input</c> (or <paramref name="lib"/> and
    /// <paramref name="name"/>) with <paramref name="body"/>; the global spans are 0 and a
    /// span table is added when given. <paramref name="extra"/> goes after the last field (it starts with a comma).
    /// </summary>
    public static string Expand(string? body = null, string? name = null, string? lib = null, string? table = null,
        string globals = "{\"def_site\":0,\"call_site\":0,\"mixed_site\":0}", string extra = "") =>
        "{\"ExpandMacro\":{\"lib\":" + Requests.Json(lib ?? Dylibs.Stable.PmBasics) +
        ",\"env\":[],\"current_dir\":null,\"macro_body\":" + (body ?? HelloTree) +
        ",\"macro_name\":" + Requests.Json(name ?? "stringify_input") +
        ",\"attributes\":null,\"has_global_spans\":" + globals +
        (table is null ? "" : ",\"span_data_table\":[" + table + "]") + extra + "}}";

    public static string ListMacros(string pathJson) => "{\"ListMacros\":{\"dylib_path\":" + pathJson + "}}";

    /// <summary>
    /// A tree of <paramref name="depth"/> nested parenthesised groups around <c>x</c>: subtree i
    /// (i ≥ 1) is a group whose only child is subtree i + 1; the innermost holds the ident.
    /// </summary>
    public static string DeepTree(int depth)
    {
        var subtree = new StringBuilder("0,0,0,0,1");
        var tokenTree = new StringBuilder("4"); // root's child: subtree 1
        for (var i = 1; i <= depth; i++)
        {
            // subtree i: parenthesis, its child is token_tree[i].
            subtree.Append(",0,0,1,").Append(i).Append(',').Append(i + 1);
            tokenTree.Append(',').Append(i < depth ? ((i + 1) << 2).ToString(System.Globalization.CultureInfo.InvariantCulture) : "3");
        }
        return Tree(subtree.ToString(), ident: "0,0,0", tokenTree: tokenTree.ToString(), text: "\"x\"");
    }

    /// <summary>JSON arrays nested <paramref name="depth"/> deep: <c>[[[…]]]</c>, closed or not.</summary>
    public static string DeepArray(int depth, bool closed = true) =>
        new string('[', depth) + (closed ? new string(']', depth) : "");

    /// <summary><c>text</c> with the bytes <paramref name="marker"/> in UTF-8 replaced by <paramref name="replacement"/>.</summary>
    public static byte[] WithRawBytes(string text, string marker, params byte[] replacement)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var markerBytes = Encoding.UTF8.GetBytes(marker);
        var at = bytes.AsSpan().IndexOf(markerBytes);
        if (at < 0) throw new ArgumentException($"no {marker} in {text}");
        return [.. bytes.AsSpan(0, at), .. replacement, .. bytes.AsSpan(at + markerBytes.Length)];
    }
}
