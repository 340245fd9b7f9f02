using System.Globalization;
using System.Text;

namespace ProcMacroSrv.Bench.Sessions;

/// <summary>The three kinds of proc macro; they decide how the client shapes a request.</summary>
internal enum MacroKind
{
    /// <summary><c>name!(input)</c>: the body is the text between the delimiters.</summary>
    FnLike,

    /// <summary><c>#[derive(Name)] item</c>: the body is the item without the derive attribute.</summary>
    Derive,

    /// <summary><c>#[name(args)] item</c>: the body is the item, the attributes tree the arguments.</summary>
    Attr,
}

/// <summary>One macro invocation as Rust text.</summary>
/// <param name="Crate">The proc-macro library (crate name with underscores), as in FixtureDylibs.</param>
/// <param name="Macro">The macro's name (a derive's trait name).</param>
/// <param name="Kind">The macro's kind.</param>
/// <param name="Input">The fn-like macro's input, or the item of a derive or attribute.</param>
/// <param name="AttributeArgs">The text inside <c>#[name(…)]</c> of an attribute macro, or null.</param>
internal sealed record Invocation(string Crate, string Macro, MacroKind Kind, string Input, string? AttributeArgs = null);

/// <summary>A family of invocations whose input grows with <c>n</c> (fields, variants, methods, statements, items).</summary>
/// <param name="Key">Short name used in case names, e.g. <c>serde.Serialize</c>.</param>
/// <param name="Unit">What <c>n</c> counts, for the report.</param>
/// <param name="Make">Builds the invocation for <c>n</c> units; the second argument varies identifiers (0 for the size cases).</param>
internal sealed record MacroShape(string Key, string Unit, Func<int, int, Invocation> Make);

/// <summary>
/// Generators of realistic Rust inputs for the real macros Debian packages (built by
/// fixtures/real-macros) and for our pm-basics fixture. Every generator accepts any n ≥ 1 and is
/// deterministic.
/// </summary>
internal static class Inputs
{
    private static string S(int i) => i.ToString(CultureInfo.InvariantCulture);

    public static IReadOnlyList<MacroShape> Shapes { get; } =
    [
        new("serde.Serialize", "fields", (n, v) => new("serde_derive", "Serialize", MacroKind.Derive, SerdeStruct(n, v))),
        new("serde.Deserialize", "fields", (n, v) => new("serde_derive", "Deserialize", MacroKind.Derive, SerdeStruct(n, v))),
        new("thiserror.Error", "variants", (n, v) => new("thiserror_impl", "Error", MacroKind.Derive, ErrorEnum(n, v))),
        new("clap.Parser", "fields", (n, v) => new("clap_derive", "Parser", MacroKind.Derive, CliStruct(n, v))),
        new("async_trait", "methods", (n, v) => new("async_trait", "async_trait", MacroKind.Attr, AsyncTrait(n, v))),
        new("tracing.instrument", "statements", (n, v) => new("tracing_attributes", "instrument", MacroKind.Attr, InstrumentedFn(n, v),
            "level = \"debug\", skip(data), fields(len = data.len())")),
        new("derive_more.Display", "variants", (n, v) => new("derive_more", "Display", MacroKind.Derive, DeriveMoreEnum(n, v))),
        new("derive_more.From", "variants", (n, v) => new("derive_more", "From", MacroKind.Derive, DeriveMoreEnum(n, v))),
        new("strum.EnumString", "variants", (n, v) => new("strum_macros", "EnumString", MacroKind.Derive, StrumEnum(n, v))),
        new("pm_basics.do_thrice", "items", (n, v) => new("pm_basics", "do_thrice", MacroKind.FnLike, Items(n, v))),
        new("pm_basics.Describe", "fields", (n, v) => new("pm_basics", "Describe", MacroKind.Derive, DescribeStruct(n, v))),
        new("pm_basics.tag", "statements", (n, v) => new("pm_basics", "tag", MacroKind.Attr, TaggedFn(n, v), "name = \"bench\", 3")),
    ];

    /// <summary>A serde struct: a doc comment, a container attribute, fields of varied types, some with field attributes.</summary>
    public static string SerdeStruct(int n, int v)
    {
        string[] types = ["u32", "Option<String>", "Vec<u64>", "std::collections::BTreeMap<String, i64>", "bool", "Option<f64>", "(u8, u16)", "String"];
        var b = new StringBuilder();
        b.Append("/// A record with ").Append(S(n)).Append(" fields.\n");
        b.Append("#[serde(rename_all = \"camelCase\")]\n");
        b.Append("pub struct Record").Append(S(v)).Append(" {\n");
        for (var i = 0; i < n; i++)
        {
            if (i % 7 == 3) b.Append("    #[serde(rename = \"f").Append(S(i)).Append("\")]\n");
            else if (i % 5 == 1) b.Append("    #[serde(default)]\n");
            else if (i % 11 == 5) b.Append("    #[serde(skip_serializing_if = \"Option::is_none\")]\n");
            if (i % 9 == 0) b.Append("    /// Field number ").Append(S(i)).Append(".\n");
            b.Append("    pub field_").Append(S(i)).Append(": ").Append(types[i % types.Length]).Append(",\n");
        }
        b.Append("}\n");
        return b.ToString();
    }

    /// <summary>A thiserror enum: every variant has an <c>#[error]</c> attribute; tuple, struct and <c>#[source]</c> variants.</summary>
    public static string ErrorEnum(int n, int v)
    {
        var b = new StringBuilder();
        b.Append("pub enum AppError").Append(S(v)).Append(" {\n");
        for (var i = 0; i < n; i++)
        {
            switch (i % 3)
            {
                case 0:
                    b.Append("    #[error(\"operation ").Append(S(i)).Append(" failed: {0}\")]\n");
                    b.Append("    Op").Append(S(i)).Append("(String),\n");
                    break;
                case 1:
                    b.Append("    #[error(\"cannot read {path}: {source}\")]\n");
                    b.Append("    Io").Append(S(i)).Append(" {\n        path: String,\n        #[source]\n        source: std::io::Error,\n    },\n");
                    break;
                default:
                    b.Append("    #[error(\"invalid code {code:#x} at line {line}\")]\n");
                    b.Append("    Code").Append(S(i)).Append(" { code: u32, line: usize },\n");
                    break;
            }
        }
        b.Append("}\n");
        return b.ToString();
    }

    /// <summary>A clap Parser struct: doc comments as help, <c>#[arg]</c> attributes of several forms.</summary>
    public static string CliStruct(int n, int v)
    {
        var b = new StringBuilder();
        b.Append("/// A generated command-line tool.\n");
        b.Append("#[command(name = \"tool").Append(S(v)).Append("\", version, about, long_about = None)]\n");
        b.Append("pub struct Cli").Append(S(v)).Append(" {\n");
        for (var i = 0; i < n; i++)
        {
            b.Append("    /// Option number ").Append(S(i)).Append(".\n");
            switch (i % 4)
            {
                case 0:
                    b.Append("    #[arg(long)]\n    pub opt_").Append(S(i)).Append(": Option<String>,\n");
                    break;
                case 1:
                    b.Append("    #[arg(long, default_value_t = ").Append(S(i)).Append(")]\n    pub opt_").Append(S(i)).Append(": u32,\n");
                    break;
                case 2:
                    b.Append("    #[arg(long, value_name = \"FILE\")]\n    pub opt_").Append(S(i)).Append(": Vec<std::path::PathBuf>,\n");
                    break;
                default:
                    b.Append("    #[arg(long, action = clap::ArgAction::SetTrue)]\n    pub opt_").Append(S(i)).Append(": bool,\n");
                    break;
            }
        }
        b.Append("}\n");
        return b.ToString();
    }

    /// <summary>A trait for <c>#[async_trait]</c>: declarations, async methods with default bodies, and plain methods.</summary>
    public static string AsyncTrait(int n, int v)
    {
        var b = new StringBuilder();
        b.Append("pub trait Service").Append(S(v)).Append(": Send + Sync {\n");
        for (var i = 0; i < n; i++)
        {
            switch (i % 3)
            {
                case 0:
                    b.Append("    /// Calls endpoint ").Append(S(i)).Append(".\n");
                    b.Append("    async fn call_").Append(S(i)).Append("(&self, key: &str, value: Vec<u8>) -> Result<u64, String>;\n");
                    break;
                case 1:
                    b.Append("    async fn fetch_").Append(S(i)).Append("(&self, id: u64) -> Option<u64> {\n");
                    b.Append("        let doubled = id * 2;\n        Some(doubled + ").Append(S(i)).Append(")\n    }\n");
                    break;
                default:
                    b.Append("    fn name_").Append(S(i)).Append("(&self) -> &'static str {\n        \"method ").Append(S(i)).Append("\"\n    }\n");
                    break;
            }
        }
        b.Append("}\n");
        return b.ToString();
    }

    /// <summary>A function for <c>#[instrument]</c> with a few arguments and n statements.</summary>
    public static string InstrumentedFn(int n, int v)
    {
        var b = new StringBuilder();
        b.Append("pub fn process").Append(S(v)).Append("(id: u64, name: &str, data: &[u8]) -> u64 {\n");
        b.Append("    let mut total = id ^ name.len() as u64;\n");
        for (var i = 0; i < n; i++)
        {
            if (i % 2 == 0) b.Append("    let v").Append(S(i)).Append(" = total.wrapping_mul(").Append(S(i + 3)).Append(") + data.len() as u64;\n");
            else b.Append("    total ^= v").Append(S(i - 1)).Append(".rotate_left(").Append(S(i % 63)).Append(");\n");
        }
        b.Append("    total\n}\n");
        return b.ToString();
    }

    /// <summary>A derive_more enum: tuple variants with distinct payload types, half with <c>#[display(fmt = …)]</c>.</summary>
    public static string DeriveMoreEnum(int n, int v)
    {
        var b = new StringBuilder();
        b.Append("pub enum Value").Append(S(v)).Append(" {\n");
        for (var i = 0; i < n; i++)
        {
            if (i % 2 == 0) b.Append("    #[display(fmt = \"value ").Append(S(i)).Append(": {}\", _0)]\n");
            b.Append("    V").Append(S(i)).Append("(Payload").Append(S(i)).Append("),\n");
        }
        b.Append("}\n");
        return b.ToString();
    }

    /// <summary>A strum enum for EnumString: unit variants, some with <c>serialize</c>/<c>to_string</c>, some with fields.</summary>
    public static string StrumEnum(int n, int v)
    {
        var b = new StringBuilder();
        b.Append("pub enum Color").Append(S(v)).Append(" {\n");
        for (var i = 0; i < n; i++)
        {
            switch (i % 4)
            {
                case 0:
                    b.Append("    #[strum(serialize = \"c").Append(S(i)).Append("\", serialize = \"color-").Append(S(i)).Append("\")]\n    Color").Append(S(i)).Append(",\n");
                    break;
                case 1:
                    b.Append("    #[strum(to_string = \"C").Append(S(i)).Append("\")]\n    Color").Append(S(i)).Append(",\n");
                    break;
                case 2:
                    b.Append("    Color").Append(S(i)).Append(" { range: usize },\n");
                    break;
                default:
                    b.Append("    Color").Append(S(i)).Append(",\n");
                    break;
            }
        }
        b.Append("}\n");
        return b.ToString();
    }

    /// <summary>Items for <c>do_thrice!</c>: n small functions.</summary>
    public static string Items(int n, int v)
    {
        var b = new StringBuilder();
        for (var i = 0; i < n; i++)
        {
            b.Append("fn item_").Append(S(v)).Append('_').Append(S(i)).Append("(x: u32) -> u32 { x.wrapping_mul(").Append(S(i + 1)).Append(") + 0x1f }\n");
        }
        return b.ToString();
    }

    /// <summary>A struct for pm-basics' Describe: n fields, some with <c>#[describe(…)]</c> helper attributes.</summary>
    public static string DescribeStruct(int n, int v)
    {
        var b = new StringBuilder();
        b.Append("#[describe(label = \"point\")]\n");
        b.Append("pub struct Point").Append(S(v)).Append(" {\n");
        for (var i = 0; i < n; i++)
        {
            if (i % 3 == 1) b.Append("    #[describe(rename = \"f").Append(S(i)).Append("\", skip)]\n");
            b.Append("    pub field_").Append(S(i)).Append(": ").Append(i % 2 == 0 ? "f64" : "Vec<u8>").Append(",\n");
        }
        b.Append("}\n");
        return b.ToString();
    }

    /// <summary>A function for pm-basics' <c>#[tag]</c> (which prints the item and parses generated code) with n statements.</summary>
    public static string TaggedFn(int n, int v)
    {
        var b = new StringBuilder();
        b.Append("pub fn tagged").Append(S(v)).Append("(input: &[u32]) -> u32 {\n    let mut acc = 0u32;\n");
        for (var i = 0; i < n; i++)
        {
            b.Append("    acc = acc.wrapping_add(input[").Append(S(i % 16)).Append("] * ").Append(S(i)).Append(") ^ 0x").Append((i * 2654435761u).ToString("x", CultureInfo.InvariantCulture)).Append(";\n");
        }
        b.Append("    acc\n}\n");
        return b.ToString();
    }
}
