using System.Text;

namespace ProcMacroSrv.TokenModel.Printing;

/// <summary>Options for <see cref="TokenPrinter"/>.</summary>
/// <param name="Edition">
/// The edition whose keywords count as reserved, which decides <c>async (x)</c> versus
/// <c>async(x)</c>. rustc takes it from each ident's span; a single edition is used here.
/// </param>
public sealed record PrintOptions(Edition Edition = Edition.Edition2021)
{
    /// <summary>Edition 2021, the default.</summary>
    public static PrintOptions Default { get; } = new();
}

/// <summary>
/// <c>TokenStream::to_string</c> as rustc's proc-macro server computes it for trees that came
/// through the bridge: every ident, literal and group is <c>Alone</c>, a punct keeps its
/// spacing, and rustc_ast_pretty's <c>print_tts</c> decides where a space goes
/// (<c>space_between</c>) and where long lines break.
/// </summary>
public static class TokenPrinter
{
    private const int IndentUnit = 4;

    /// <summary>Prints <paramref name="stream"/> as rustc would.</summary>
    public static string Print(TokenStream stream, PrintOptions? options = null)
    {
        var sb = new StringBuilder();
        Print(stream, sb, options);
        return sb.ToString();
    }

    /// <summary>Prints one tree, as <c>TokenTree::to_string</c> does (through a one-tree stream).</summary>
    public static string Print(TokenTree tree, PrintOptions? options = null) => Print(TokenStream.Single(tree), options);

    /// <summary>Appends the printed form of <paramref name="stream"/> to <paramref name="output"/>.</summary>
    public static void Print(TokenStream stream, StringBuilder output, PrintOptions? options = null)
    {
        var edition = (options ?? PrintOptions.Default).Edition;
        var printer = new LayoutPrinter(output);
        // One level per open group; the walk never recurses.
        var levels = new Stack<Level>();
        levels.Push(new Level(Units(stream), null, false));
        while (levels.Count > 0)
        {
            var level = levels.Peek();
            if (level.Index >= level.Units.Count)
            {
                levels.Pop();
                if (level.Group is { } closed)
                {
                    CloseGroup(printer, closed, level.OpenSpace);
                    Separate(printer, levels.Peek(), edition);
                }
                continue;
            }
            var unit = level.Units[level.Index++];
            if (unit.Tree is Group group)
            {
                var openSpace = OpenGroup(printer, group);
                levels.Push(new Level(Units(group.Stream), group, openSpace));
                continue;
            }
            WriteUnit(printer, unit);
            Separate(printer, level, edition);
        }
        printer.Finish();
    }

    private enum UnitKind : byte { Group, Ident, Literal, Number, Operator, Lifetime }

    /// <summary>
    /// One token as rustc's printer sees it. rustc builds the stream of a macro's output by
    /// pushing trees one at a time, and each push glues a Joint operator to the next punct
    /// (<c>.</c> <c>.</c> <c>=</c> become <c>..=</c>, <c>'</c> and an ident become a lifetime);
    /// spacing rules then apply to the glued token. A negative number is pushed as a <c>-</c>
    /// (which may glue too) and the unsigned number.
    /// </summary>
    private readonly record struct Unit(UnitKind Kind, TokenTree Tree, string? Operator, Spacing Spacing);

    private static List<Unit> Units(TokenStream stream)
    {
        var trees = stream.FlatTrees;
        var units = new List<Unit>(trees.Length);
        foreach (var tree in trees)
        {
            switch (tree)
            {
                case Punct p:
                    PushOperator(units, PunctString(p.Char), p, p.Spacing);
                    break;
                case Ident i:
                    if (units.Count > 0 && units[^1] is { Kind: UnitKind.Operator, Operator: "'", Spacing: Spacing.Joint })
                        units[^1] = new Unit(UnitKind.Lifetime, i, null, Spacing.Alone);
                    else
                        units.Add(new Unit(UnitKind.Ident, i, null, Spacing.Alone));
                    break;
                case Literal l when IsNegativeNumber(l):
                    // rustc's `-` here is JointHidden, which prints like Joint: no space after it.
                    PushOperator(units, "-", l, Spacing.Joint);
                    units.Add(new Unit(UnitKind.Number, l, null, Spacing.Alone));
                    break;
                case Literal l:
                    units.Add(new Unit(UnitKind.Literal, l, null, Spacing.Alone));
                    break;
                default:
                    units.Add(new Unit(UnitKind.Group, tree, null, Spacing.Alone));
                    break;
            }
        }
        return units;
    }

    private static void PushOperator(List<Unit> units, string op, TokenTree tree, Spacing spacing)
    {
        if (units.Count > 0 && units[^1] is { Kind: UnitKind.Operator, Spacing: Spacing.Joint } last
            && Glue(last.Operator!, op) is { } glued)
        {
            units[^1] = new Unit(UnitKind.Operator, last.Tree, glued, spacing);
            return;
        }
        units.Add(new Unit(UnitKind.Operator, tree, op, spacing));
    }

    /// <summary>rustc's <c>Token::glue</c> for a compound operator followed by one more character.</summary>
    private static string? Glue(string left, string right) => (left, right) switch
    {
        ("=", "=") => "==",
        ("=", ">") => "=>",
        ("<", "=") => "<=",
        ("<", "<") => "<<",
        ("<", "-") => "<-",
        (">", "=") => ">=",
        (">", ">") => ">>",
        ("!", "=") => "!=",
        ("+", "=") => "+=",
        ("-", "=") => "-=",
        ("-", ">") => "->",
        ("*", "=") => "*=",
        ("/", "=") => "/=",
        ("%", "=") => "%=",
        ("^", "=") => "^=",
        ("&", "=") => "&=",
        ("&", "&") => "&&",
        ("|", "=") => "|=",
        ("|", "|") => "||",
        ("<<", "=") => "<<=",
        (">>", "=") => ">>=",
        (".", ".") => "..",
        ("..", ".") => "...",
        ("..", "=") => "..=",
        (":", ":") => "::",
        _ => null,
    };

    private sealed class Level(List<Unit> units, Group? group, bool openSpace)
    {
        public readonly List<Unit> Units = units;
        public readonly Group? Group = group;
        public readonly bool OpenSpace = openSpace;
        public int Index;
    }

    private static bool OpenGroup(LayoutPrinter printer, Group group)
    {
        switch (group.Delimiter)
        {
            case Delimiter.Brace:
            {
                printer.BeginConsistent(IndentUnit);
                printer.Text("{", 1);
                // A non-empty brace group gets spaces inside, like `{ x }`.
                var openSpace = !group.Stream.IsEmpty;
                if (openSpace) printer.Break(1, 0);
                printer.BeginInconsistent(0);
                return openSpace;
            }
            case Delimiter.Parenthesis:
                printer.Text("(", 1);
                break;
            case Delimiter.Bracket:
                printer.Text("[", 1);
                break;
            default:
                // An invisible delimiter prints as empty text, which still takes part in layout.
                printer.Text("", 0);
                break;
        }
        printer.BeginInconsistent(0);
        return false;
    }

    private static void CloseGroup(LayoutPrinter printer, Group group, bool openSpace)
    {
        printer.End();
        switch (group.Delimiter)
        {
            case Delimiter.Brace:
                if (openSpace) printer.Break(1, -IndentUnit);
                printer.Text("}", 1);
                printer.End();
                break;
            case Delimiter.Parenthesis:
                printer.Text(")", 1);
                break;
            case Delimiter.Bracket:
                printer.Text("]", 1);
                break;
            default:
                printer.Text("", 0);
                break;
        }
    }

    /// <summary>After the unit just written, writes a space if rustc puts one before the next unit of the level.</summary>
    private static void Separate(LayoutPrinter printer, Level level, Edition edition)
    {
        if (level.Index >= level.Units.Count) return;
        var first = level.Units[level.Index - 1];
        var next = level.Units[level.Index];
        // A Joint (or hidden-joint) token is never followed by a space; rustc's exception for
        // two adjacent idents cannot arise, since idents are always Alone here.
        if (first.Spacing == Spacing.Joint) return;
        if (SpaceBetween(first, next, edition)) printer.Break(1, 0);
    }

    private static bool IsNegativeNumber(TokenTree tree) =>
        tree is Literal { Kind: LiteralKind.Integer or LiteralKind.Float } l && l.Symbol.Text.StartsWith('-');

    private static bool IsOperator(in Unit unit, string op) => unit.Kind == UnitKind.Operator && unit.Operator == op;

    /// <summary>rustc's <c>space_between</c> for two adjacent tokens.</summary>
    private static bool SpaceBetween(in Unit first, in Unit next, Edition edition)
    {
        var nextIsPunct = next.Kind == UnitKind.Operator;
        // `.` + non-punct: `x.y`, `tup.0`
        if (IsOperator(first, ".") && !nextIsPunct) return false;
        // `$` + ident: `$e`
        if (IsOperator(first, "$") && next.Kind == UnitKind.Ident) return false;
        // non-punct + `,` `;` `.`
        if (first.Kind != UnitKind.Operator && (IsOperator(next, ",") || IsOperator(next, ";") || IsOperator(next, "."))) return false;
        if (first.Kind == UnitKind.Ident)
        {
            var ident = (Ident)first.Tree;
            var plain = ident.IsRaw || !RustIdentifier.IsReserved(ident.Name.Text, edition);
            // `println!`, but `if !x`
            if (IsOperator(next, "!") && plain) return false;
            // `f(3)`, `fn(u8)`, `Self()`, `pub(crate)`, but `let (a, b)`
            if (next.Tree is Group { Delimiter: Delimiter.Parenthesis } && next.Kind == UnitKind.Group
                && (plain || ident.Name.Text is "fn" or "Self" or "pub")) return false;
        }
        // `#[attr]`
        if (IsOperator(first, "#") && next.Tree is Group { Delimiter: Delimiter.Bracket } && next.Kind == UnitKind.Group) return false;
        return true;
    }

    private static readonly string[] PunctText = BuildPunctText();

    private static string[] BuildPunctText()
    {
        var table = new string[128];
        foreach (var c in "=<>!~+-*/%^&|@.,;:#$?'") table[c] = c.ToString();
        return table;
    }

    private static string PunctString(char c) => c < 128 && PunctText[c] is { } s ? s : c.ToString();

    private static void WriteUnit(LayoutPrinter printer, in Unit unit)
    {
        switch (unit.Kind)
        {
            case UnitKind.Operator:
                printer.Text(unit.Operator!, Utf8Width(unit.Operator!));
                break;
            case UnitKind.Lifetime:
                printer.Text("'", 1);
                goto case UnitKind.Ident;
            case UnitKind.Ident:
                var ident = (Ident)unit.Tree;
                // Adjacent texts lay out exactly like their concatenation, so `r#` needs no new string.
                if (ident.IsRaw) printer.Text("r#", 2);
                printer.Text(ident.Name.Text, Utf8Width(ident.Name.Text));
                break;
            case UnitKind.Number:
            {
                var literal = (Literal)unit.Tree;
                var digits = literal.Symbol.Text[1..];
                printer.Text(digits, Utf8Width(digits));
                if (literal.Suffix is { } suffix) printer.Text(suffix.Text, Utf8Width(suffix.Text));
                break;
            }
            case UnitKind.Literal:
            {
                var literal = (Literal)unit.Tree;
                var (open, close) = Quotes(literal);
                if (open.Length > 0) printer.Text(open, open.Length);
                printer.Text(literal.Symbol.Text, Utf8Width(literal.Symbol.Text));
                if (close.Length > 0) printer.Text(close, close.Length);
                if (literal.Suffix is { } s) printer.Text(s.Text, Utf8Width(s.Text));
                break;
            }
        }
    }

    private static int Utf8Width(string text) => Encoding.UTF8.GetByteCount(text);

    /// <summary>Appends a literal as rustc prints it: prefix, quotes and hashes around the symbol, then the suffix.</summary>
    public static void AppendLiteral(StringBuilder output, Literal literal)
    {
        var (open, close) = Quotes(literal);
        output.Append(open).Append(literal.Symbol.Text).Append(close);
        if (literal.Suffix is { } suffix) output.Append(suffix.Text);
    }

    /// <summary>A literal as <c>Literal::to_string</c> gives it.</summary>
    public static string LiteralToString(Literal literal)
    {
        var sb = new StringBuilder();
        AppendLiteral(sb, literal);
        return sb.ToString();
    }

    private static readonly string[] RawOpen = new string[3 * 256];
    private static readonly string[] RawClose = new string[256];

    private static (string Open, string Close) Quotes(Literal literal) => literal.Kind switch
    {
        LiteralKind.Byte => ("b'", "'"),
        LiteralKind.Char => ("'", "'"),
        LiteralKind.Str => ("\"", "\""),
        LiteralKind.ByteStr => ("b\"", "\""),
        LiteralKind.CStr => ("c\"", "\""),
        LiteralKind.StrRaw => RawQuotes(0, "r", literal.Hashes),
        LiteralKind.ByteStrRaw => RawQuotes(1, "br", literal.Hashes),
        LiteralKind.CStrRaw => RawQuotes(2, "cr", literal.Hashes),
        _ => ("", ""),
    };

    // The delimiters of raw strings are made once per prefix and hash count, then reused.
    private static (string, string) RawQuotes(int prefixIndex, string prefix, byte hashes)
    {
        var slot = prefixIndex * 256 + hashes;
        var open = RawOpen[slot] ??= prefix + new string('#', hashes) + "\"";
        var close = RawClose[hashes] ??= "\"" + new string('#', hashes);
        return (open, close);
    }
}
