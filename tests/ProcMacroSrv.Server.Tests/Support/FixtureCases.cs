using static ProcMacroSrv.Server.Tests.Support.MacroKind;

namespace ProcMacroSrv.Server.Tests.Support;

/// <summary>
/// Invocations of every macro of the fixture crates (pm-basics, pm-modern, demo-macros), with the
/// inputs fixtures/pm-check gives them, plus the panicking macros and a few misuses that make the
/// macros emit <c>compile_error!</c>.
/// </summary>
internal static class FixtureCases
{
    private const string Basics = "pm_basics";
    private const string Modern = "pm_modern";
    private const string Demo = "demo_macros";

    public static IReadOnlyList<ExpansionCase> All { get; } =
    [
        // --- pm-basics: plain token manipulation
        new("pm_basics.do_thrice", Basics, "do_thrice", FnLike, " log.push_str(&log.len().to_string()); "),
        new("pm_basics.stringify_input", Basics, "stringify_input", FnLike,
            "a + b :: c (d, e) [f] {g; } 'x' \"s\" 1.0f32 'life -1 r#fn #[attr] x=>y &&z")
            { Divergences = [Divergence.ToStringLayout] },
        new("pm_basics.stringify_input.empty", Basics, "stringify_input", FnLike, ""),
        new("pm_basics.stringify_input.doc_comment", Basics, "stringify_input", FnLike, "/// doc\n        x")
            { Divergences = [Divergence.ToStringLayout] },
        new("pm_basics.parse_stream.arithmetic", Basics, "parse_stream", FnLike, "\"1 + 2 * 3\"")
            { Divergences = [Divergence.FromStrSpans] },
        new("pm_basics.parse_stream.method_call", Basics, "parse_stream", FnLike, "\"[1u8, 2, 3].len()\"")
            { Divergences = [Divergence.FromStrSpans] },
        new("pm_basics.parse_stream.raw_string", Basics, "parse_stream", FnLike, "r#\"concat!(\"a\", 'b')\"#")
            { Divergences = [Divergence.FromStrSpans, Divergence.FromStrSpacing] },
        new("pm_basics.parse_stream.doc_comments", Basics, "parse_stream", FnLike,
            "\"/// Outer doc.\\n/** Block doc. */\\nfn documented() { //! Inner doc.\\n }\"")
            { Divergences = [Divergence.FromStrSpans, Divergence.DocCommentFromStr] },
        new("pm_basics.parse_stream.lex_error", Basics, "parse_stream", FnLike, "\"a } b\"")
            { Divergences = [Divergence.LexErrorText] },
        new("pm_basics.noisy", Basics, "noisy", FnLike, "1 + 2") { Divergences = [Divergence.MacroStdout] },
        new("pm_basics.env_value.ident", Basics, "env_value", FnLike, "PM_CHECK_ENV")
            { ExtraEnv = [new("PM_CHECK_ENV", "set by build.rs")] },
        new("pm_basics.env_value.string", Basics, "env_value", FnLike, "\"PM_CHECK_ENV\"")
            { ExtraEnv = [new("PM_CHECK_ENV", "set by build.rs")] },
        new("pm_basics.env_value.unset", Basics, "env_value", FnLike, "PM_CHECK_SURELY_UNSET_VARIABLE"),
        new("pm_basics.env_value.cargo", Basics, "env_value", FnLike, "CARGO_PKG_NAME"),

        // --- pm-basics: literals
        new("pm_basics.all_literals", Basics, "all_literals", FnLike, ""),
        new("pm_basics.all_literal_texts", Basics, "all_literal_texts", FnLike, ""),
        new("pm_basics.parse_literals", Basics, "parse_literals", FnLike, """
            "1u8", "-2.5", "'c'", "b\"x\"", "r#\"raw\"#", "1e3f64", "c\"cs\"", "b'x'", "0x_ff_u8", "\"\\u{e9}\"",
            "not a literal", "1 2", "- 1"
            """)
            { Divergences = [Divergence.LexErrorText] },
        new("pm_basics.parsed_literal.float", Basics, "parsed_literal", FnLike, "\"1.5f32\""),
        new("pm_basics.parsed_literal.negative", Basics, "parsed_literal", FnLike, "\"-7i64\"")
            { Divergences = [Divergence.NegativeLiteralSplit] },
        new("pm_basics.parsed_literal.byte_string", Basics, "parsed_literal", FnLike, "\"b\\\"ab\\\"\""),
        new("pm_basics.parsed_literal.not_a_literal", Basics, "parsed_literal", FnLike, "\"1 + 1\"")
            { Divergences = [Divergence.LexErrorText] },

        // --- pm-basics: identifiers
        new("pm_basics.raw_idents", Basics, "raw_idents", FnLike, ""),
        new("pm_basics.token_texts", Basics, "token_texts", FnLike, "r#fn r#type plain 'a' 'life (x , y) \"s\" , :: 1.0")
            { Divergences = [Divergence.ToStringLayout] },
        new("pm_basics.define_fn.raw", Basics, "define_fn", FnLike, "r#match"),
        new("pm_basics.define_fn.plain", Basics, "define_fn", FnLike, "plain_name"),
        new("pm_basics.define_fn.misuse", Basics, "define_fn", FnLike, "a b"),

        // --- pm-basics: spans and hygiene
        new("pm_basics.shadow.call_site", Basics, "shadow", FnLike, "call_site x = 2"),
        new("pm_basics.shadow.mixed_site", Basics, "shadow", FnLike, "mixed_site x = 2"),
        new("pm_basics.shadow.resolved_at", Basics, "shadow", FnLike, "resolved_at x = 2"),
        new("pm_basics.shadow.located_at", Basics, "shadow", FnLike, "located_at x = 2"),
        new("pm_basics.shadow.bad_mode", Basics, "shadow", FnLike, "sideways x = 2"),
        new("pm_basics.respan.arithmetic", Basics, "respan", FnLike, "(1 + 2) * [3][0]"),
        new("pm_basics.respan.raw_call", Basics, "respan", FnLike, "r#match()"),
        new("pm_basics.expect_parens", Basics, "expect_parens", FnLike, "(4 + 5)"),
        new("pm_basics.expect_parens.brackets", Basics, "expect_parens", FnLike, "[4 + 5]"),
        new("pm_basics.expect_parens.trailing", Basics, "expect_parens", FnLike, "(4) + 5"),
        new("pm_basics.expect_parens.not_a_group", Basics, "expect_parens", FnLike, "x"),
        new("pm_basics.expect_parens.empty", Basics, "expect_parens", FnLike, ""),

        // --- pm-basics: derive with helper attributes
        new("pm_basics.Describe.point", Basics, "Describe", Derive, """
            /// A point.
            #[describe(label = "point", 3)]
            pub struct Point {
                /// documented field (doc comments are `#[doc = "..."]` attributes and are ignored)
                pub x: i32,
                #[describe(rename = "why")]
                #[describe(skip)]
                pub(crate) y: std::collections::HashMap<u8, Vec<u8>>,
                z: fn(u8) -> u8,
            }
            """),
        new("pm_basics.Describe.tuple", Basics, "Describe", Derive, "pub struct Pair(#[describe(first)] pub u8, u16);"),
        new("pm_basics.Describe.unit", Basics, "Describe", Derive, "pub struct Unit;"),
        new("pm_basics.Describe.enum", Basics, "Describe", Derive, """
            #[describe()]
            #[repr(u8)]
            pub enum Shape {
                #[describe(sides = 0)]
                Circle { radius: f64 },
                Square(f64),
                Empty = 7,
            }
            """),
        new("pm_basics.Describe.generic", Basics, "Describe", Derive, "struct Wrapper<T>(T);"),

        // --- pm-basics: attribute macros
        new("pm_basics.wrap_body", Basics, "wrap_body", Attr, """
            pub fn wrapped(a: u32, b: u32) -> u32 {
                let __wrap_body_result = 1; // the macro's own local (mixed_site) cannot clash with this one
                a * b + __wrap_body_result
            }
            """),
        new("pm_basics.wrap_body.early_return", Basics, "wrap_body", Attr, """
            pub fn wrapped_early_return(flag: bool) -> &'static str {
                if flag {
                    return "early";
                }
                "late"
            }
            """),
        new("pm_basics.wrap_body.with_arguments", Basics, "wrap_body", Attr, "fn f() {}", "x"),
        new("pm_basics.tag.function", Basics, "tag", Attr, "pub fn tagged() -> u32 {\n    42\n}", "name = \"x\", 3")
            { Divergences = [Divergence.FromStrSpans, Divergence.FromStrSpacing, Divergence.ToStringLayout] },
        new("pm_basics.tag.struct", Basics, "tag", Attr, "pub struct TaggedStruct {\n    pub field: u8,\n}")
            { Divergences = [Divergence.FromStrSpans, Divergence.FromStrSpacing, Divergence.ToStringLayout] },

        // --- pm-basics: panics (the Err text)
        new("pm_basics.boom", Basics, "boom", FnLike, "") { ExpectError = true },
        new("pm_basics.boom_fmt", Basics, "boom_fmt", FnLike, "a b c") { ExpectError = true },
        new("pm_basics.boom_any", Basics, "boom_any", FnLike, "") { ExpectError = true },

        // --- pm-modern (json-legacy has no sub-requests: locations are 1:1, source text is None)
        new("pm_modern.span_report", Modern, "span_report", FnLike, "a b c"),
        new("pm_modern.span_report.empty", Modern, "span_report", FnLike, ""),
        new("pm_modern.span_positions", Modern, "span_positions", FnLike, "a (b c)\n          d"),
        new("pm_modern.span_source_texts", Modern, "span_source_texts", FnLike, "a + (b  c) \"s\" 'x'"),
        new("pm_modern.span_file", Modern, "span_file", FnLike, ""),
        new("pm_modern.byte_ranges", Modern, "byte_ranges", FnLike, "a bc"),
        new("pm_modern.literal_subspans", Modern, "literal_subspans", FnLike, "\"hello\""),
        new("pm_modern.modern_literals", Modern, "modern_literals", FnLike, ""),
        new("pm_modern.modern_literal_texts", Modern, "modern_literal_texts", FnLike, ""),
        new("pm_modern.raw_keywords", Modern, "raw_keywords", FnLike, ""),

        // --- demo-macros
        new("demo_macros.greet", Demo, "greet", FnLike, "World"),
        new("demo_macros.greet.empty", Demo, "greet", FnLike, ""),
        new("demo_macros.FieldCount", Demo, "FieldCount", Derive, """
            pub struct Config {
                pub name: String,
                #[field_count(skip)]
                pub cache: Vec<u8>,
                pub pairs: std::collections::BTreeMap<String, (u8, u8)>,
            }
            """) { Divergences = [Divergence.FromStrSpans] },
        new("demo_macros.FieldCount.empty", Demo, "FieldCount", Derive, "pub struct Empty {}")
            { Divergences = [Divergence.FromStrSpans] },
        new("demo_macros.FieldCount.enum", Demo, "FieldCount", Derive, "enum E { A }")
            { Divergences = [Divergence.FromStrSpans, Divergence.FromStrSpacing] },
        new("demo_macros.trace_calls", Demo, "trace_calls", Attr, "pub fn traced(x: i32) -> i32 {\n    x + 1\n}")
            { Divergences = [Divergence.FromStrSpans, Divergence.FromStrSpacing] },

        // --- errors the server reports
        new("error.unknown_macro", Basics, "NonexistentMacro", FnLike, "") { ExpectError = true },
        new("error.derive_by_function_name", Basics, "derive_describe", Derive, "struct S;") { ExpectError = true },
        new("error.missing_dylib", ExpansionCase.MissingCrate, "do_thrice", FnLike, "x")
            { ExpectError = true, Divergences = [Divergence.LoadErrorReason] },
    ];
}
