using static ProcMacroSrv.Server.Tests.Support.MacroKind;

namespace ProcMacroSrv.Server.Tests.Support;

/// <summary>
/// Realistic invocations of the real proc-macro crates Debian packages (built by
/// fixtures/real-macros): serde, thiserror, async-trait, clap, tracing, pin-project,
/// derive_more, strum and tokio.
/// </summary>
internal static class RealMacroCases
{
    private const string UserStruct = """
        /// A user as the API returns it.
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        pub struct User<'a, T: Clone> {
            /// The user's id.
            pub user_id: u64,
            #[serde(rename = "displayName", default)]
            pub display_name: Option<String>,
            #[serde(skip_serializing_if = "Vec::is_empty", with = "crate::tags", borrow)]
            pub tags: Vec<&'a str>,
            #[serde(flatten)]
            pub extra: std::collections::BTreeMap<String, T>,
            #[serde(skip)]
            cache: (),
        }
        """;

    private const string EventEnum = """
        #[derive(Debug)]
        #[serde(tag = "type", content = "data")]
        pub enum Event {
            #[serde(rename = "start")]
            Started { at: u64, #[serde(default = "default_origin")] origin: String },
            Stopped(u32),
            #[serde(alias = "pause", alias = "hold")]
            Paused,
            #[serde(other)]
            Unknown,
        }
        """;

    private const string ConfigError = """
        #[derive(Debug)]
        pub enum ConfigError {
            #[error("cannot read {path}: {source}")]
            Io {
                path: String,
                #[source]
                source: std::io::Error,
            },
            #[error("invalid value {0:?} for key `{1}`")]
            Invalid(String, &'static str),
            #[error(transparent)]
            Parse(#[from] std::num::ParseIntError),
            #[error("unknown error, code {code:#x}", code = self.code())]
            Unknown,
        }
        """;

    private const string CliStruct = """
        /// A tiny file copier.
        ///
        /// Copies SOURCE to DEST, retrying on failure.
        #[command(name = "copy", version, about, long_about = None)]
        pub struct Cli {
            /// Source file to copy from
            #[arg(short, long, value_name = "FILE")]
            source: std::path::PathBuf,
            /// Destination (defaults to the current directory)
            dest: Option<std::path::PathBuf>,
            /// Number of times to retry
            #[arg(short = 'r', long, default_value_t = 3)]
            retries: u8,
            /// Be verbose (repeat for more)
            #[arg(short, long, action = clap::ArgAction::Count)]
            verbose: u8,
            #[command(subcommand)]
            command: Option<Command>,
        }
        """;

    public static IReadOnlyList<ExpansionCase> All { get; } =
    [
        // --- serde
        new("serde.Serialize.struct", "serde_derive", "Serialize", Derive, UserStruct),
        new("serde.Deserialize.struct", "serde_derive", "Deserialize", Derive, UserStruct) { Divergences = [Divergence.FromStrSpans] },
        new("serde.Serialize.enum", "serde_derive", "Serialize", Derive, EventEnum) { Divergences = [Divergence.FromStrSpans] },
        new("serde.Deserialize.enum", "serde_derive", "Deserialize", Derive, EventEnum) { Divergences = [Divergence.FromStrSpans] },
        new("serde.Deserialize.untagged", "serde_derive", "Deserialize", Derive, """
            #[serde(untagged)]
            enum Value {
                Int(i64),
                Text(String),
                List(Vec<Value>),
            }
            """),
        new("serde.Serialize.transparent", "serde_derive", "Serialize", Derive, """
            #[serde(transparent)]
            struct Meters(f64);
            """),
        new("serde.Deserialize.bad_attribute", "serde_derive", "Deserialize", Derive, """
            struct Bad {
                #[serde(rename = 5)]
                field: u8,
            }
            """),

        // --- thiserror
        new("thiserror.Error.enum", "thiserror_impl", "Error", Derive, ConfigError),
        new("thiserror.Error.struct", "thiserror_impl", "Error", Derive, """
            #[error("{msg} (line {line})")]
            pub struct ParseError {
                msg: String,
                line: usize,
                #[source]
                cause: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
            }
            """),

        // --- async-trait
        new("async_trait.trait", "async_trait", "async_trait", Attr, """
            pub trait Store: Send + Sync {
                /// Looks a key up.
                async fn get(&self, key: &str) -> Option<Vec<u8>>;
                async fn put(&mut self, key: String, value: Vec<u8>) -> Result<(), String>;
                async fn len(&self) -> usize {
                    0
                }
                fn name(&self) -> &'static str {
                    "store"
                }
            }
            """),
        new("async_trait.impl", "async_trait", "async_trait", Attr, """
            impl<K: Send + Sync> Store for MemoryStore<K> {
                async fn get(&self, key: &str) -> Option<Vec<u8>> {
                    self.map.get(key).cloned()
                }
                async fn put(&mut self, key: String, value: Vec<u8>) -> Result<(), String> {
                    self.map.insert(key, value);
                    Ok(())
                }
            }
            """),
        new("async_trait.not_send", "async_trait", "async_trait", Attr, """
            pub trait Local {
                async fn run(&self, input: std::rc::Rc<str>) -> u32;
            }
            """, "?Send"),

        // --- clap
        new("clap.Parser", "clap_derive", "Parser", Derive, CliStruct),
        new("clap.Args", "clap_derive", "Args", Derive, """
            pub struct Verbosity {
                /// More output per occurrence
                #[arg(long, short = 'v', action = clap::ArgAction::Count, global = true)]
                verbose: u8,
                /// Less output per occurrence
                #[arg(long, short = 'q', action = clap::ArgAction::Count, global = true, conflicts_with = "verbose")]
                quiet: u8,
            }
            """),
        new("clap.Subcommand", "clap_derive", "Subcommand", Derive, """
            pub enum Command {
                /// Copy files
                Copy {
                    #[arg(long)]
                    force: bool,
                },
                /// Show the version
                #[command(alias = "v")]
                Version,
            }
            """) { Divergences = [Divergence.FromStrSpans] },
        new("clap.ValueEnum", "clap_derive", "ValueEnum", Derive, """
            #[derive(Clone, Copy)]
            pub enum Mode {
                /// Run fast
                Fast,
                #[value(name = "careful", alias = "slow")]
                Slow,
                #[value(skip)]
                Internal,
            }
            """),

        // --- tracing
        new("tracing.instrument.plain", "tracing_attributes", "instrument", Attr, """
            fn compute(x: u32, y: &[u8]) -> usize {
                x as usize + y.len()
            }
            """),
        new("tracing.instrument.async_with_args", "tracing_attributes", "instrument", Attr, """
            pub async fn login(name: &str, password: &str) -> Result<u64, String> {
                if password.is_empty() {
                    return Err("empty password".into());
                }
                Ok(42)
            }
            """, "skip(password), fields(user = %name, attempt = 1), level = \"debug\", err"),
        new("tracing.instrument.named", "tracing_attributes", "instrument", Attr, """
            fn work(&self, job: Job) -> Outcome {
                self.run(job)
            }
            """, "name = \"worker\", target = \"app::jobs\", ret, skip_all"),

        // --- pin-project
        new("pin_project.struct", "pin_project_internal", "pin_project", Attr, """
            pub struct Timed<F, T>
            where
                F: std::future::Future,
            {
                #[pin]
                future: F,
                started: Option<std::time::Instant>,
                label: T,
            }
            """),
        new("pin_project.projection_names", "pin_project_internal", "pin_project", Attr, """
            enum Either<A, B> {
                Left(#[pin] A),
                Right { #[pin] inner: B, count: usize },
            }
            """, "project = EitherProj, project_ref = EitherProjRef"),

        // --- derive_more
        new("derive_more.Display.struct", "derive_more", "Display", Derive, """
            #[display(fmt = "({}, {})", x, y)]
            pub struct Point2 {
                x: i32,
                y: i32,
            }
            """),
        new("derive_more.Display.enum", "derive_more", "Display", Derive, """
            pub enum Shape {
                #[display(fmt = "circle of radius {}", _0)]
                Circle(f64),
                #[display(fmt = "rectangle {}x{}", w, h)]
                Rect { w: u32, h: u32 },
                Empty,
            }
            """),
        new("derive_more.From.enum", "derive_more", "From", Derive, """
            pub enum Number {
                Int(i32),
                Float(f64),
                #[from(ignore)]
                Other(i32),
            }
            """),
        new("derive_more.From.newtype", "derive_more", "From", Derive, "pub struct UserId(u64);"),

        // --- strum
        new("strum.EnumString", "strum_macros", "EnumString", Derive, """
            #[strum(serialize_all = "snake_case")]
            pub enum Color {
                Red,
                #[strum(serialize = "b", serialize = "blue")]
                DarkBlue,
                #[strum(disabled)]
                Green,
                #[strum(default)]
                Other(String),
            }
            """),
        new("strum.Display", "strum_macros", "Display", Derive, """
            #[strum(serialize_all = "kebab-case")]
            pub enum Level {
                #[strum(to_string = "TRACE!")]
                Trace,
                DebugInfo,
                Warn { code: u16 },
            }
            """),
        new("strum.EnumString.deprecated_default", "strum_macros", "EnumString", Derive, """
            enum Bad {
                #[strum(default = "true")]
                Other(String),
            }
            """) { ExpectError = true },

        // --- tokio
        new("tokio.main", "tokio_macros", "main", Attr, """
            async fn main() {
                let value = compute().await;
                println!("{value}");
            }
            """),
        new("tokio.main.current_thread", "tokio_macros", "main", Attr, """
            async fn main() -> Result<(), Box<dyn std::error::Error>> {
                serve().await?;
                Ok(())
            }
            """, "flavor = \"current_thread\""),
        new("tokio.test", "tokio_macros", "test", Attr, """
            async fn it_works() {
                assert_eq!(add(2, 2).await, 4);
            }
            """),
        new("tokio.test.multi_thread", "tokio_macros", "test", Attr, """
            async fn parallel() {
                tokio::spawn(async {}).await.unwrap();
            }
            """, "flavor = \"multi_thread\", worker_threads = 2"),
        new("tokio.main.not_async", "tokio_macros", "main", Attr, "fn main() {}"),
    ];
}
