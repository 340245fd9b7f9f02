using System.Text;

namespace ProcMacroSrv.TokenModel.Printing;

/// <summary>Options for <see cref="TokenPrinter"/>.</summary>
/// <param name="Edition">
/// The edition whose keywords count as reserved, which decides <c>async (x)</c> versus
/// <c>async(x)</c>. rustc takes it from each ident's span; a single edition is used here.
/// </param>
/// <param name="SeparateJoinedIdents">
/// Print a space between two identifiers even when the first is not <see cref="Spacing.Alone"/>
/// (rustc's <c>idents_would_merge</c>, new in rustc 1.96; rustc 1.95 prints them together, so
/// that the inner stream of <c>(a)</c> twice over prints as <c>aa</c>).
/// </param>
public sealed record PrintOptions(Edition Edition = Edition.Edition2021, bool SeparateJoinedIdents = false)
{
    /// <summary>Edition 2021, the default; as rustc 1.95 prints.</summary>
    public static PrintOptions Default { get; } = new();

    /// <summary>The options that print as the rustc of version 1.<paramref name="minor"/> does (edition 2021).</summary>
    public static PrintOptions ForRustc(int major, int minor) =>
        new(Edition.Edition2021, SeparateJoinedIdents: major > 1 || minor >= 96);
}

/// <summary>
/// <c>TokenStream::to_string</c> as rustc's proc-macro server computes it (rustc_ast_pretty's
/// <c>print_tts</c>): each token's <see cref="Spacing"/> decides whether a space may follow it
/// (only after <see cref="Spacing.Alone"/>, and then as <c>space_between</c> says), a brace
/// group's opening spacing whether it gets spaces inside, a doc comment still in its lexed form
/// prints as the comment followed by a line break, and long lines break as rustc's do. Trees
/// that came through the bridge are all Alone but for Joint puncts, as rustc makes them.
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
        options ??= PrintOptions.Default;
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
                    Separate(printer, levels.Peek(), options);
                }
                continue;
            }
            var unit = level.Units[level.Index++];
            if (unit is { Kind: UnitKind.Group, Tree: Group group })
            {
                var openSpace = OpenGroup(printer, group);
                levels.Push(new Level(Units(group.Stream), group, openSpace));
                continue;
            }
            WriteUnit(printer, unit);
            Separate(printer, level, options);
        }
        printer.Finish();
    }

    private enum UnitKind : byte { Group, Ident, Literal, Number, Operator, Lifetime, DocComment }

    /// <summary>
    /// One token as rustc's printer sees it. rustc's lexer glues touching puncts into operators,
    /// and pushing a tree onto a stream glues a Joint (or JointHidden) operator to the next punct
    /// (<c>.</c> <c>.</c> <c>=</c> become <c>..=</c>); a lifetime is one token, and so is a doc
    /// comment still in its lexed form. Spacing rules apply to these tokens. A negative number
    /// is pushed as a JointHidden <c>-</c> (which may glue too) and the unsigned number.
    /// </summary>
    /// <param name="Kind">What the token is.</param>
    /// <param name="Tree">The tree it comes from (for an operator, its first punct; for a doc comment, the group).</param>
    /// <param name="Text">An operator's characters, or a doc comment's printed form.</param>
    /// <param name="Spacing">How the token is followed by the next one.</param>
    private readonly record struct Unit(UnitKind Kind, TokenTree Tree, string? Text, Spacing Spacing);

    private static List<Unit> Units(TokenStream stream)
    {
        var trees = stream.AsSpan();
        var units = new List<Unit>(trees.Length);
        for (var index = 0; index < trees.Length; index++)
        {
            var tree = trees[index];
            switch (tree)
            {
                case Punct { Char: '#', DocComment: { } doc } when DocCommentGroup(trees, index, doc) is { } end:
                    units.Add(new Unit(UnitKind.DocComment, trees[end], doc.ToString(), trees[end].Spacing));
                    index = end;
                    break;
                case Punct p:
                    PushOperator(units, PunctString(p.Char), p, p.Spacing);
                    break;
                case Ident i:
                    if (units.Count > 0 && units[^1] is { Kind: UnitKind.Operator, Text: "'", Spacing: Spacing.Joint })
                        units[^1] = new Unit(UnitKind.Lifetime, i, null, i.Spacing);
                    else
                        units.Add(new Unit(UnitKind.Ident, i, null, i.Spacing));
                    break;
                case Literal l when IsNegativeNumber(l):
                    PushOperator(units, "-", l, Spacing.JointHidden);
                    units.Add(new Unit(UnitKind.Number, l, null, l.Spacing));
                    break;
                case Literal l:
                    units.Add(new Unit(UnitKind.Literal, l, null, l.Spacing));
                    break;
                default:
                    units.Add(new Unit(UnitKind.Group, tree, null, tree.Spacing));
                    break;
            }
        }
        return units;
    }

    /// <summary>
    /// The index of the <c>[doc = "…"]</c> group when the <c>#</c> at <paramref name="index"/>
    /// still starts the trees the lexer made of <paramref name="doc"/> (<c>#</c>, <c>!</c> for an
    /// inner comment, the group); null when they were taken apart.
    /// </summary>
    private static int? DocCommentGroup(ReadOnlySpan<TokenTree> trees, int index, DocComment doc)
    {
        var at = index + 1;
        if (doc.IsInner)
        {
            if (at >= trees.Length || trees[at] is not Punct { Char: '!' } bang || !ReferenceEquals(bang.DocComment, doc)) return null;
            at++;
        }
        return at < trees.Length && trees[at] is Group group && ReferenceEquals(group.DocComment, doc) ? at : null;
    }

    private static void PushOperator(List<Unit> units, string op, TokenTree tree, Spacing spacing)
    {
        if (units.Count > 0 && units[^1] is { Kind: UnitKind.Operator, Spacing: Spacing.Joint or Spacing.JointHidden } last
            && Glue(last.Text!, op) is { } glued)
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
                // A non-empty brace group gets spaces inside, like `{ x }`, unless its `{` was
                // written touching the next token; the space before `}` follows the one after `{`.
                var openSpace = group.DelimSpacing.Open == Spacing.Alone && !group.Stream.IsEmpty;
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
    private static void Separate(LayoutPrinter printer, Level level, PrintOptions options)
    {
        if (level.Index >= level.Units.Count) return;
        var first = level.Units[level.Index - 1];
        var next = level.Units[level.Index];
        if (first.Spacing == Spacing.Alone)
        {
            if (SpaceBetween(first, next, options.Edition)) printer.Break(1, 0);
        }
        else if (options.SeparateJoinedIdents && first.Kind == UnitKind.Ident && next.Kind == UnitKind.Ident)
        {
            // Two identifiers would read as one (a JointHidden ident can meet another where
            // streams are concatenated).
            printer.Break(1, 0);
        }
    }

    private static bool IsNegativeNumber(TokenTree tree) =>
        tree is Literal { Kind: LiteralKind.Integer or LiteralKind.Float } l && l.Symbol.Text.StartsWith('-');

    private static bool IsOperator(in Unit unit, string op) => unit.Kind == UnitKind.Operator && unit.Text == op;

    /// <summary>rustc's <c>space_between</c> for two adjacent tokens.</summary>
    private static bool SpaceBetween(in Unit first, in Unit next, Edition edition)
    {
        var nextIsPunct = next.Kind == UnitKind.Operator;
        // No space after a line doc comment: it ends with a line break.
        if (first.Kind == UnitKind.DocComment && first.Text!.StartsWith("//", StringComparison.Ordinal)) return false;
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
                printer.Text(unit.Text!, Utf8Width(unit.Text!));
                break;
            case UnitKind.DocComment:
                printer.Text(unit.Text!, Utf8Width(unit.Text!));
                printer.Hardbreak();
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
        // Also the text of every literal of an old-layout FlatTree: one concatenation, and for a
        // number without suffix the symbol itself.
        var (open, close) = Quotes(literal);
        return string.Concat(open, literal.Symbol.Text, close, literal.Suffix?.Text);
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
