using System.Text.RegularExpressions;

namespace ProcMacroSrv.Bridge.Abi.Learning;

/// <summary>
/// Reads the C-level facts of a bridge from its sources and checks the parts the native code
/// assumes without a table (bridge-abi.md section 3): <c>Client</c>, <c>BridgeConfig</c>,
/// <c>Buffer</c>, <c>Closure</c>, <c>ProcMacro</c>, handles, and how requests are framed.
/// </summary>
internal static partial class BridgeLayoutChecks
{
    /// <summary>How <c>Client+0</c> reaches the counters; checks the rest of <c>Client</c> and what <c>run</c> receives.</summary>
    public static CountersAccess ClientLayout(BridgeSources s)
    {
        var client = RustItems.FindOne(s.Client, "struct", "Client", "client.rs");
        if (!client.IsReprC) throw new BridgeLearningException("client.rs: `struct Client` is not #[repr(C)]; its layout is not understood");
        var fields = RustItems.Fields(client.Body, "client.rs struct Client");
        if (fields.Count != 3 || fields[2].Name != "_marker")
        {
            throw new BridgeLearningException($"client.rs: struct Client has fields ({string.Join(", ", fields.Select(f => f.Name))}); (counters, run, _marker) was expected");
        }

        CountersAccess access = (fields[0].Name, fields[0].Type) switch
        {
            ("get_handle_counters", "extern \"C\" fn ( ) -> & 'static HandleCounters") => CountersAccess.Function,
            ("handle_counters", "& 'static HandleCounters") => CountersAccess.Pointer,
            _ => throw new BridgeLearningException($"client.rs: the first field of Client, `{fields[0].Name}: {fields[0].Type}`, is neither a counters function nor a counters pointer"),
        };

        var run = RunSignature().Match(fields[1].Type);
        if (fields[1].Name != "run" || !run.Success)
        {
            throw new BridgeLearningException($"client.rs: the second field of Client, `{fields[1].Name}: {fields[1].Type}`, is not `run: extern \"C\" fn(Config) -> Buffer`");
        }
        BridgeConfigLayout(s, run.Groups[1].Value);
        return access;
    }

    // What `run` receives (Bridge in 1.63, BridgeConfig later): input buffer, dispatch closure, flag.
    private static void BridgeConfigLayout(BridgeSources s, string name)
    {
        var config = RustItems.FindOne(s.Mod, "struct", name, "mod.rs");
        var where = $"mod.rs struct {name}";
        if (!config.IsReprC) throw new BridgeLearningException($"{where} is not #[repr(C)]; its layout is not understood");
        var fields = RustItems.Fields(config.Body, where);
        var ok = fields.Count is 3 or 4
            && fields[0].Type == "Buffer"
            && fields[1].Name == "dispatch" && fields[1].Type.StartsWith("closure :: Closure", StringComparison.Ordinal)
            && fields[2] is { Name: "force_show_panics", Type: "bool" }
            && (fields.Count == 3 || fields[3].Type.Contains("PhantomData", StringComparison.Ordinal));
        if (!ok) throw new BridgeLearningException($"{where} has fields ({string.Join(", ", fields.Select(f => $"{f.Name}: {f.Type}"))}); (Buffer, dispatch closure, force_show_panics: bool) was expected");

        var buffer = RustItems.FindOne(s.Buffer, "struct", "Buffer", "buffer.rs");
        var bufferFields = RustItems.Fields(buffer.Body, "buffer.rs struct Buffer").Select(f => $"{f.Name}: {f.Type}");
        string[] expected = ["data: * mut u8", "len: usize", "capacity: usize", "reserve: extern \"C\" fn ( Buffer , usize ) -> Buffer", "drop: extern \"C\" fn ( Buffer )"];
        if (!buffer.IsReprC || !bufferFields.SequenceEqual(expected))
        {
            throw new BridgeLearningException($"buffer.rs: struct Buffer is ({string.Join(", ", bufferFields)}); #[repr(C)] ({string.Join(", ", expected)}) was expected");
        }

        var closure = RustItems.FindOne(s.Closure, "struct", "Closure", "closure.rs");
        var closureFields = RustItems.Fields(closure.Body, "closure.rs struct Closure");
        var closureOk = closure.IsReprC
            && closureFields.Count is 2 or 3
            && closureFields[0].Name == "call" && ClosureCall().IsMatch(closureFields[0].Type)
            && closureFields[1] is { Name: "env", Type: "* mut Env" }
            && (closureFields.Count == 2 || closureFields[2].Type.Contains("PhantomData", StringComparison.Ordinal));
        if (!closureOk)
        {
            throw new BridgeLearningException($"closure.rs: struct Closure is ({string.Join(", ", closureFields.Select(f => $"{f.Name}: {f.Type}"))}); #[repr(C)] (call: extern \"C\" fn(*mut Env, Buffer) -> Buffer, env: *mut Env) was expected");
        }
    }

    /// <summary>Checks the registrar's <c>ProcMacro</c> enum, which the loader reads by offsets.</summary>
    public static void ProcMacroLayout(BridgeSources s)
    {
        var item = RustItems.FindOne(s.Client, "enum", "ProcMacro", "client.rs");
        var variants = RustText.SplitTopLevel(item.Body).Select(v =>
        {
            var open = v.IndexOf('{');
            if (open < 0) return (Name: v.Trim(), Fields: "");
            var fields = RustItems.Fields(v[(open + 1)..v.LastIndexOf('}')], "client.rs enum ProcMacro");
            return (Name: v[..open].Trim(), Fields: string.Join(", ", fields.Select(f => f.Name + ": " + (f.Type.StartsWith("Client <", StringComparison.Ordinal) ? "Client" : f.Type))));
        }).ToList();
        (string, string)[] expected =
        [
            ("CustomDerive", "trait_name: & 'static str, attributes: & 'static [ & 'static str ], client: Client"),
            ("Attr", "name: & 'static str, client: Client"),
            ("Bang", "name: & 'static str, client: Client"),
        ];
        if (!item.IsReprC || !variants.SequenceEqual(expected))
        {
            throw new BridgeLearningException($"client.rs: enum ProcMacro is {string.Join("; ", variants.Select(v => $"{v.Name} {{ {v.Fields} }}"))}; the registrar layout this server reads is not that");
        }
    }

    /// <summary>Handles are non-zero u32 values taken from the counters with fetch_add (old value = handle).</summary>
    public static void HandleRepresentation(BridgeSources s)
    {
        var text = RustText.Normalize(s.Handle);
        if (!text.Contains("type Handle = NonZeroU32 ;", StringComparison.Ordinal) && !text.Contains("type Handle = NonZero < u32 > ;", StringComparison.Ordinal))
        {
            throw new BridgeLearningException("handle.rs: `type Handle` is not a non-zero u32; the handle encoding is not understood");
        }
        if (!text.Contains(". fetch_add ( 1 ,", StringComparison.Ordinal))
        {
            throw new BridgeLearningException("handle.rs: handles are not allocated with `counter.fetch_add(1, …)`; the counter protocol is not understood");
        }
    }

    /// <summary>True when the client encodes arguments last-first; checked against the server's decoding.</summary>
    public static bool ReversedArguments(BridgeSources s)
    {
        var at = WithApiParser.FindMacroRules(s.Client, "define_client_side")
            ?? throw new BridgeLearningException("client.rs has no `macro_rules! define_client_side`: how arguments are encoded is not known");
        var body = RustText.Normalize(WithApiParser.MacroBody(s.Client, at, "define_client_side"));
        var reversed = body.Contains("reverse_encode !", StringComparison.Ordinal);
        var forward = body.Contains("$ ( $arg . encode (", StringComparison.Ordinal);
        if (reversed == forward)
        {
            throw new BridgeLearningException("client.rs define_client_side: the argument encoding is neither `reverse_encode!` nor `$($arg.encode(…);)*`");
        }

        var server = RustText.Normalize(s.Server);
        var serverReversed = server.Contains("reverse_decode !", StringComparison.Ordinal);
        var serverForward = server.Contains("$ ( let $arg = < $arg_ty > :: decode (", StringComparison.Ordinal);
        if (serverReversed == serverForward || serverReversed != reversed)
        {
            throw new BridgeLearningException($"server.rs decodes arguments {(serverReversed ? "reversed" : serverForward ? "in order" : "in an unknown way")}, "
                + $"client.rs encodes them {(reversed ? "reversed" : "in order")}: the argument order is not understood");
        }

        if (reversed)
        {
            // The macro's name says it reverses; its definition must do so: recurse first, then encode.
            var defText = WithApiParser.FindMacroRules(s.Mod, "reverse_encode") is not null ? s.Mod : s.Client;
            var defAt = WithApiParser.FindMacroRules(defText, "reverse_encode")
                ?? throw new BridgeLearningException("`reverse_encode!` is used but not defined in mod.rs or client.rs");
            var rules = WithApiParser.Rules(WithApiParser.MacroBody(defText, defAt, "reverse_encode"), "reverse_encode");
            var recursive = rules.Select(r => RustText.Normalize(r.Expansion)).FirstOrDefault(e => e.Contains("reverse_encode !", StringComparison.Ordinal));
            var recursion = recursive?.IndexOf("reverse_encode !", StringComparison.Ordinal) ?? -1;
            var encode = recursive?.IndexOf("$first . encode (", StringComparison.Ordinal) ?? -1;
            if (rules.Count != 2 || recursion < 0 || encode < 0 || recursion > encode)
            {
                throw new BridgeLearningException("`reverse_encode!` does not recurse before encoding its first argument; the argument order is not understood");
            }
        }
        return reversed;
    }

    /// <summary>Checks that method tags are u8 enum tags: (group, method) or one flat index.</summary>
    public static void TagEncoding(BridgeSources s, bool grouped)
    {
        if (!RustText.ContainsTokens(s.Rpc, "#[repr(u8)] enum Tag"))
        {
            throw new BridgeLearningException("rpc.rs: enum tags are not `#[repr(u8)]`; the tag width is not understood");
        }
        var at = WithApiParser.FindMacroRules(s.Client, "define_client_side")!.Value;
        var body = RustText.Normalize(WithApiParser.MacroBody(s.Client, at, "define_client_side"));
        var ok = grouped
            ? body.Contains("Method :: $name ( api_tags :: $name :: $method ) . encode (", StringComparison.Ordinal)
            : body.Contains("ApiTags :: $method . encode (", StringComparison.Ordinal);
        if (!ok)
        {
            throw new BridgeLearningException($"client.rs define_client_side: the method tag is not encoded as the {(grouped ? "(group, method) enum pair" : "flat ApiTags enum")} that with_api!'s {(grouped ? "groups" : "flat list")} imply");
        }
    }

    /// <summary>
    /// Checks the framing the interpreter writes and reads without a table: replies are
    /// <c>Result&lt;T, PanicMessage&gt;</c>, a panic message is an <c>Option&lt;&amp;str&gt;</c>, and
    /// <c>run</c> returns <c>Result&lt;Option&lt;TokenStream&gt;, PanicMessage&gt;</c>.
    /// </summary>
    public static void Framing(BridgeSources s)
    {
        var at = WithApiParser.FindMacroRules(s.Client, "define_client_side")!.Value;
        if (!RustText.ContainsTokens(WithApiParser.MacroBody(s.Client, at, "define_client_side"), "Result::<_, PanicMessage>::decode("))
        {
            throw new BridgeLearningException("client.rs define_client_side: replies are not decoded as `Result<_, PanicMessage>`");
        }
        var rpc = RustText.Normalize(s.Rpc);
        var panicEncode = rpc.IndexOf("Encode < S > for PanicMessage {", StringComparison.Ordinal);
        var asStr = panicEncode < 0 ? -1 : rpc.IndexOf("self . as_str ( ) . encode (", panicEncode, StringComparison.Ordinal);
        if (asStr < 0 || asStr - panicEncode > 200)
        {
            throw new BridgeLearningException("rpc.rs: PanicMessage is not encoded as `self.as_str()` (an Option<&str>)");
        }
        string[] output = ["f(crate::TokenStream(Some(input))).0", "Ok::<_, ()>(output).encode(", "Err::<(), _>(e).encode("];
        foreach (var fragment in output)
        {
            if (!RustText.ContainsTokens(s.Client, fragment))
            {
                throw new BridgeLearningException($"client.rs: `{fragment}` not found; the client's output (Result<Option<TokenStream>, PanicMessage>) is not understood");
            }
        }
    }

    /// <summary>True when the client reads <c>ExpnGlobals</c> (def/call/mixed site) before the input streams.</summary>
    public static bool InputHasGlobals(BridgeSources s)
    {
        if (RustText.ContainsTokens(s.Client, "<(ExpnGlobals<Span>, A)>::decode(")) return true;
        if (RustText.ContainsTokens(s.Client, "A::decode(reader")) return false;
        throw new BridgeLearningException("client.rs: how the client decodes its input (with or without ExpnGlobals) is not understood");
    }

    [GeneratedRegex("""^extern "C" fn \( (\w+) < '_ > \) -> Buffer$""")]
    private static partial Regex RunSignature();

    [GeneratedRegex("""^(unsafe )?extern "C" fn \( \* mut Env , (A|Buffer) \) -> (R|Buffer)$""")]
    private static partial Regex ClosureCall();
}
