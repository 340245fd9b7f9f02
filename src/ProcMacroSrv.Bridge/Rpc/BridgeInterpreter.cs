using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ProcMacroSrv.Bridge.Abi;
using ProcMacroSrv.Bridge.Expansion;
using ProcMacroSrv.TokenModel;

namespace ProcMacroSrv.Bridge.Rpc;

/// <summary>
/// Serves the RPCs of one expansion for any <see cref="BridgeAbi"/>: decodes each request as the
/// ABI's table says (tag width, argument order, wire types), runs the operation on the
/// <see cref="TokenServer"/>, and encodes the reply. Nothing here is specific to one rustc.
/// </summary>
internal sealed class BridgeInterpreter
{
    private static readonly int HandleTypeCount = Enum.GetValues<HandleType>().Length;

    private readonly BridgeAbi _abi;
    private readonly RpcValue[] _args = new RpcValue[8];
    private readonly HandleStore _store;
    private readonly TokenServer _server;
    // Whether each handle type is interned, resolved once instead of searching the ABI's slots per handle.
    private readonly bool[] _interned = new bool[HandleTypeCount];
    private readonly TreeCache _trees = TreeCache.ForThisThread();
    // This expansion's key in the thread's tree cache.
    private readonly ulong _expansion;
    private TokenTree[] _treeScratch = new TokenTree[64];
    private TokenStream[] _streamScratch = new TokenStream[8];
    private readonly MethodPlan?[] _plans;

    public BridgeInterpreter(BridgeAbi abi, HandleStore store, TokenServer server)
    {
        _abi = abi;
        _store = store;
        _server = server;
        foreach (var slot in abi.Handles) _interned[(int)slot.Type] = slot.Interned;
        _plans = PlansByAbi.GetValue(abi, MethodPlan.ForAbi);
        _expansion = _trees.NewExpansion();
    }

    /// <summary>Number of RPCs served so far.</summary>
    public int Calls { get; private set; }

    /// <summary>Writes the initial input buffer: the global spans (A85+) and the input streams as handles.</summary>
    public void WriteInput(RpcWriter writer, ReadOnlySpan<TokenStream> inputs)
    {
        if (_abi.InputHasGlobals)
        {
            var spans = _server.Spans;
            writer.WriteU32(_store.InternSpan(spans.DefSite));
            writer.WriteU32(_store.InternSpan(spans.CallSite));
            writer.WriteU32(_store.InternSpan(spans.MixedSite));
        }
        foreach (var input in inputs) writer.WriteU32(_store.Alloc(HandleType.TokenStream, input));
    }

    /// <summary>Reads the client's final buffer: <c>Result&lt;Option&lt;TokenStream&gt;, PanicMessage&gt;</c>.</summary>
    public (TokenStream? Output, string? Panic) ReadOutput(ReadOnlySpan<byte> bytes)
    {
        var r = new RpcReader(bytes);
        if (r.ReadU8() == 0)
        {
            return r.ReadU8() == 0
                ? ((TokenStream)_store.Take(HandleType.TokenStream, r.ReadU32()), null)
                : (TokenStream.Empty, null);
        }
        // PanicMessage travels as Option<&str>: Some = 0 + text, None = 1 (a non-string payload).
        return (null, r.ReadU8() == 0 ? r.ReadString() : string.Empty);
    }

    /// <summary>Handles one request and writes the reply (<c>Result&lt;T, PanicMessage&gt;</c>).</summary>
    public void Dispatch(ReadOnlySpan<byte> request, RpcWriter reply)
    {
        Calls++;
        reply.Clear();
        var args = _args.AsSpan();
        var argCount = 0;
        try
        {
            var r = new RpcReader(request);
            var tag = _abi.TagWidth == 1 ? r.ReadU8() : (r.ReadU8() << 8) | r.ReadU8();
            var plan = (uint)tag < (uint)_plans.Length ? _plans[tag] : null;
            if (plan is null) throw new BridgeRpcException($"unknown bridge method tag {tag:x} for ABI {_abi.Name}");
            var method = plan.Method;
            var ps = plan.Parameters;
            argCount = ps.Length;
            if (_abi.ReversedArguments)
            {
                for (var i = ps.Length - 1; i >= 0; i--) args[i] = Decode(ps[i], ref r);
            }
            else
            {
                for (var i = 0; i < ps.Length; i++) args[i] = Decode(ps[i], ref r);
            }
            if (r.Remaining != 0) throw new BridgeRpcException($"{method.Name}: {r.Remaining} unread bytes in the request");

            var result = _server.Invoke(method.Op, args[..ps.Length]);
            // `&mut self` methods leave the new value in their argument; keep it under the same handle.
            foreach (var i in plan.MutableArguments)
            {
                _store.Replace(ps[i].Handle, (uint)args[i].Scalar, args[i].Ref!);
            }
            reply.WriteU8(0);
            // An operation that fails where this ABI's signature has no Result (e.g. A85's
            // from_str returns a bare stream) fails the call, as rustc's server panics there.
            if (!result.Present && method.Returns.Kind is not (WireKind.Result or WireKind.Option))
            {
                throw new BridgeRpcException(result.Ref as string ?? $"{method.Name} failed");
            }
            Encode(method.Returns, result, reply);
        }
        catch (Exception e)
        {
            // A server-side failure is a panic message to the client, which re-raises it inside
            // the macro; the expansion then ends with that message. Nothing may unwind into Rust.
            reply.Clear();
            reply.WriteU8(1);
            if (e is BridgeRpcException { WithoutPayload: true })
            {
                // rustc's own fatal errors unwind with a marker, not a message: PanicMessage::Unknown.
                reply.WriteU8(1);
            }
            else
            {
                reply.WriteU8(0);
                reply.WriteString(e is BridgeRpcException ? e.Message : $"proc-macro server error: {e.GetType().Name}: {e.Message}");
            }
        }
        finally
        {
            // Decoded arguments hold streams and trees: drop them, but only the slots used. (The
            // scratch arrays keep theirs until overwritten: the interpreter ends with its expansion.)
            args[..argCount].Clear();
        }
    }

    private RpcValue Decode(WireType type, ref RpcReader r)
    {
        switch (type.Kind)
        {
            case WireKind.Unit: return RpcValue.Of(0);
            case WireKind.Bool: return RpcValue.Of(r.ReadBool());
            case WireKind.U8:
            case WireKind.Delimiter:
            case WireKind.Spacing:
            case WireKind.Level: return RpcValue.Of(r.ReadU8());
            case WireKind.U32:
            case WireKind.Char: return RpcValue.Of(r.ReadU32());
            case WireKind.Usize: return RpcValue.Of((long)r.ReadUsize());
            case WireKind.String:
            case WireKind.Symbol: return RpcValue.Of(r.ReadString());
            case WireKind.Bytes: return RpcValue.Of(r.ReadBytes());
            case WireKind.Option:
                return r.ReadU8() switch
                {
                    0 => RpcValue.Some(Decode(type.Item!, ref r)),
                    1 => RpcValue.None,
                    var t => throw new BridgeRpcException($"invalid Option tag {t}"),
                };
            case WireKind.Vec:
            {
                var count = r.ReadUsize();
                if (count > (ulong)r.Remaining) throw new BridgeRpcException($"vector of {count} items in a {r.Remaining}-byte request");
                var item = type.Item!;
                // The vectors the bridge has (trees to concatenate, streams to concatenate) are
                // decoded straight into the arrays the operations use.
                if (item.Kind == WireKind.TokenTree)
                {
                    // Into a scratch array reused from call to call: the operation copies the trees
                    // into the stream it builds (see TokenServer's ts_concat_trees).
                    if ((ulong)_treeScratch.Length < count) _treeScratch = new TokenTree[Math.Max((int)count, _treeScratch.Length * 2)];
                    var trees = _treeScratch;
                    // Stored without the covariant array store's type check (TokenTree is not sealed).
                    ref var slot = ref MemoryMarshal.GetArrayDataReference(trees);
                    for (var i = 0; i < (int)count; i++) Unsafe.Add(ref slot, i) = ReadTree(ref r);
                    return new RpcValue { Ref = trees, Scalar = (long)count, Present = true };
                }
                if (item is { Kind: WireKind.Handle, Handle: HandleType.TokenStream })
                {
                    // Into a scratch array too (Scalar of them): ts_concat_streams joins them.
                    if ((ulong)_streamScratch.Length < count) _streamScratch = new TokenStream[Math.Max((int)count, _streamScratch.Length * 2)];
                    var streams = _streamScratch;
                    for (var i = 0; i < (int)count; i++) streams[i] = (TokenStream)DecodeHandle(item, r.ReadU32()).Ref!;
                    return new RpcValue { Ref = streams, Scalar = (long)count, Present = true };
                }
                // No bridge method takes a vector of anything else (learned tables have only the
                // built-in signatures).
                throw new BridgeRpcException($"cannot decode {type}");
            }
            case WireKind.Bound:
            {
                var kind = r.ReadU8();
                return kind switch
                {
                    0 or 1 => new RpcValue { Scalar2 = kind, Scalar = (long)r.ReadUsize(), Present = true },
                    2 => new RpcValue { Scalar2 = 2, Present = true },
                    _ => throw new BridgeRpcException($"invalid Bound tag {kind}"),
                };
            }
            case WireKind.Range:
                return RpcValue.OfRange(r.ReadUsize(), r.ReadUsize());
            case WireKind.Handle:
                return DecodeHandle(type, r.ReadU32());
            case WireKind.TokenTree: return RpcValue.Of(ReadTree(ref r));
            case WireKind.Literal: return RpcValue.Of(ReadLiteral(ref r));
            case WireKind.Diagnostic: return RpcValue.Of(ReadDiagnostic(ref r, 0));
            default: throw new BridgeRpcException($"cannot decode {type}");
        }
    }

    private RpcValue DecodeHandle(WireType type, uint handle)
    {
        if (type.Handle == HandleType.Span) return RpcValue.Of(_store.SpanOf(handle));
        // Interned values are copied out, whatever the passing; owned ones moved or borrowed.
        if (_interned[(int)type.Handle]) return RpcValue.Of(_store.InternedValue(type.Handle, handle));
        var value = type.Passing == Passing.ByValue ? _store.Take(type.Handle, handle) : _store.Get(type.Handle, handle);
        return new RpcValue { Ref = value, Scalar = handle, Present = true };
    }

    private uint EncodeHandle(HandleType type, in RpcValue value)
    {
        if (type == HandleType.Span) return _store.InternSpan(value.Span);
        return _interned[(int)type] ? _store.Intern(type, value.Ref!) : _store.Alloc(type, value.Ref!);
    }

    private static readonly HandleType[] TreeHandleTypes = [HandleType.Group, HandleType.Punct, HandleType.Ident, HandleType.Literal];
    private static readonly WireType[] TreeWireTypes = [.. TreeHandleTypes.Select(WireType.Owned)];

    private TokenTree ReadTree(ref RpcReader r)
    {
        var tag = r.ReadU8();
        if (_abi.TreesByHandle)
        {
            // 1.63: the variant tag, then a handle of that token type (by value).
            if (tag > 3) throw new BridgeRpcException($"invalid token tree tag {tag}");
            return (TokenTree)DecodeHandle(TreeWireTypes[tag], r.ReadU32()).Ref!;
        }
        switch (tag)
        {
            case 0:
            {
                var delimiter = r.ReadU8();
                if (delimiter > 3) throw new BridgeRpcException($"invalid delimiter {delimiter}");
                var stream = r.ReadU8() switch
                {
                    0 => (TokenStream)_store.Take(HandleType.TokenStream, r.ReadU32()),
                    1 => TokenStream.Empty,
                    var t => throw new BridgeRpcException($"invalid Option tag {t}"),
                };
                var open = _store.SpanOf(r.ReadU32());
                var close = _store.SpanOf(r.ReadU32());
                var entire = _store.SpanOf(r.ReadU32());
                return new Group((Delimiter)delimiter, stream, new DelimSpan(open, close, entire));
            }
            case 1:
            {
                var ch = r.ReadU8();
                var joint = r.ReadBool();
                var span = r.ReadU32();
                return _trees.FindPunct(_expansion, ch, joint, span, out var slot)
                    ?? _trees.AddPunct(slot, _expansion, new Punct((char)ch, joint ? Spacing.Joint : Spacing.Alone, _store.SpanOf(span)), span);
            }
            case 2:
            {
                var name = r.ReadUtf8();
                var raw = r.ReadBool();
                var span = r.ReadU32();
                // One hash of the name serves both caches.
                var hash = SymbolCache.HashName(name);
                return _trees.FindIdent(_expansion, name, hash, raw, span, out var slot)
                    ?? _trees.AddIdent(slot, _expansion, new Ident(SymbolCache.Intern(name, hash), raw, _store.SpanOf(span)), span);
            }
            case 3: return ReadLiteral(ref r);
            default: throw new BridgeRpcException($"invalid token tree tag {tag}");
        }
    }

    private Literal ReadLiteral(ref RpcReader r)
    {
        var kind = r.ReadU8();
        if (kind > (byte)LiteralKind.Err) throw new BridgeRpcException($"invalid literal kind {kind}");
        byte hashes = ((LiteralKind)kind).IsRaw() ? r.ReadU8() : (byte)0;
        var symbol = SymbolCache.Intern(r.ReadUtf8());
        Symbol? suffix = r.ReadU8() switch
        {
            0 => SymbolCache.Intern(r.ReadUtf8()),
            1 => null,
            var t => throw new BridgeRpcException($"invalid Option tag {t}"),
        };
        return new Literal((LiteralKind)kind, hashes, symbol, suffix, _store.SpanOf(r.ReadU32()));
    }

    private MacroDiagnostic ReadDiagnostic(ref RpcReader r, int depth)
    {
        if (depth > 64) throw new BridgeRpcException("diagnostic children nested too deeply");
        var level = r.ReadU8();
        if (level > 3) throw new BridgeRpcException($"invalid diagnostic level {level}");
        var message = r.ReadString();
        var spanCount = r.ReadUsize();
        if (spanCount > (ulong)r.Remaining) throw new BridgeRpcException("diagnostic span list longer than the request");
        var spans = new Span[spanCount];
        for (var i = 0; i < spans.Length; i++) spans[i] = _store.SpanOf(r.ReadU32());
        var childCount = r.ReadUsize();
        if (childCount > (ulong)r.Remaining) throw new BridgeRpcException("diagnostic child list longer than the request");
        var children = new MacroDiagnostic[childCount];
        for (var i = 0; i < children.Length; i++) children[i] = ReadDiagnostic(ref r, depth + 1);
        return new MacroDiagnostic((DiagnosticLevel)level, message, spans, children);
    }

    private void Encode(WireType type, in RpcValue value, RpcWriter w)
    {
        switch (type.Kind)
        {
            case WireKind.Unit: return;
            case WireKind.Bool: w.WriteBool(value.Scalar != 0); return;
            case WireKind.U8:
            case WireKind.Delimiter:
            case WireKind.Spacing:
            case WireKind.Level: w.WriteU8((byte)value.Scalar); return;
            case WireKind.U32:
            case WireKind.Char: w.WriteU32((uint)value.Scalar); return;
            case WireKind.Usize: w.WriteUsize((ulong)value.Scalar); return;
            case WireKind.String:
            case WireKind.Symbol: w.WriteString(value.String); return;
            case WireKind.Option:
                if (value.Present)
                {
                    w.WriteU8(0);
                    Encode(type.Item!, value, w);
                }
                else
                {
                    w.WriteU8(1);
                }
                return;
            case WireKind.Result:
                if (value.Present)
                {
                    w.WriteU8(0);
                    Encode(type.Item!, value, w);
                }
                else
                {
                    w.WriteU8(1);
                    Encode(type.Error!, RpcValue.Of(value.Ref), w);
                }
                return;
            case WireKind.Vec:
                // Only ts_into_trees returns a vector: the stream's own trees, not a copy.
                if (value.Ref is TokenStream stream)
                {
                    var trees = stream.AsSpan();
                    w.WriteUsize((ulong)trees.Length);
                    foreach (var t in trees) WriteTree(t, w);
                    return;
                }
                throw new BridgeRpcException($"cannot encode {type}");
            case WireKind.Range:
            case WireKind.LineColumn:
                w.WriteUsize((ulong)value.Scalar);
                w.WriteUsize((ulong)value.Scalar2);
                return;
            case WireKind.Handle:
                w.WriteU32(EncodeHandle(type.Handle, value));
                return;
            case WireKind.TokenTree: WriteTree((TokenTree)value.Ref!, w); return;
            case WireKind.Literal: WriteLiteral((Literal)value.Ref!, w); return;
            default: throw new BridgeRpcException($"cannot encode {type}");
        }
    }

    private void WriteTree(TokenTree tree, RpcWriter w)
    {
        if (_abi.TreesByHandle)
        {
            var tag = tree switch { Group => 0, Punct => 1, Ident => 2, _ => 3 };
            w.WriteU8((byte)tag);
            // The client holds the tree itself here: give it the bridge's view, as on the value ABIs.
            w.WriteU32(EncodeHandle(TreeHandleTypes[tag], RpcValue.Of(tree.ToBridgeTree())));
            return;
        }
        switch (tree)
        {
            case Group g:
                w.WriteU8(0);
                w.WriteU8((byte)g.Delimiter);
                // rustc always sends Some(stream), even for an empty group.
                w.WriteU8(0);
                w.WriteU32(_store.Alloc(HandleType.TokenStream, g.Stream));
                var spans = g.Spans;
                w.WriteU32(_store.InternSpan(spans.Open));
                w.WriteU32(_store.InternSpan(spans.Close));
                w.WriteU32(_store.InternSpan(spans.Entire));
                break;
            case Punct p:
                w.WriteU8(1);
                w.WriteU8((byte)p.Char);
                // JointHidden is hidden from proc macros: only Joint is joint on the bridge.
                w.WriteBool(p.Spacing == Spacing.Joint);
                w.WriteU32(_store.InternSpan(p.Span));
                break;
            case Ident i:
                w.WriteU8(2);
                w.WriteString(i.Name.Text);
                w.WriteBool(i.IsRaw);
                w.WriteU32(_store.InternSpan(i.Span));
                break;
            case Literal l:
                w.WriteU8(3);
                WriteLiteral(l, w);
                break;
        }
    }

    private void WriteLiteral(Literal l, RpcWriter w)
    {
        w.WriteU8((byte)l.Kind);
        if (l.Kind.IsRaw()) w.WriteU8(l.Hashes);
        w.WriteString(l.Symbol.Text);
        if (l.Suffix is { } suffix)
        {
            w.WriteU8(0);
            w.WriteString(suffix.Text);
        }
        else
        {
            w.WriteU8(1);
        }
        w.WriteU32(_store.InternSpan(l.Span));
    }

    // The plans of an ABI are made once per process: an interpreter serves one expansion.
    private static readonly ConditionalWeakTable<BridgeAbi, MethodPlan?[]> PlansByAbi = new();

    /// <summary>A method as the dispatcher uses it: its parameters as an array, and which are <c>&amp;mut</c> handles.</summary>
    private sealed class MethodPlan
    {
        private MethodPlan(BridgeMethod method)
        {
            Method = method;
            Parameters = [.. method.Parameters];
            MutableArguments = [.. Enumerable.Range(0, Parameters.Length)
                .Where(i => Parameters[i] is { Kind: WireKind.Handle, Passing: Passing.ByMut })];
        }

        public BridgeMethod Method { get; }

        public WireType[] Parameters { get; }

        public int[] MutableArguments { get; }

        /// <summary>The plans of <paramref name="abi"/>, indexed by method tag.</summary>
        public static MethodPlan?[] ForAbi(BridgeAbi abi)
        {
            var plans = new MethodPlan?[abi.TagBound];
            for (var tag = 0; tag < plans.Length; tag++)
            {
                if (abi.MethodForTag(tag) is { } method) plans[tag] = new MethodPlan(method);
            }
            return plans;
        }
    }
}
