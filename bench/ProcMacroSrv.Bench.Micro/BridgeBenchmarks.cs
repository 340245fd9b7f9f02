using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using ProcMacroSrv.Bridge.Abi;
using ProcMacroSrv.Bridge.Rpc;
using ProcMacroSrv.TokenModel;
using ProcMacroSrv.TokenModel.Spans;

namespace ProcMacroSrv.Bench.Micro;

/// <summary>
/// The bridge RPC interpreter (rustc 1.95's ABI, A95) without a dylib: requests are built as the
/// client's encoder writes them and handed to BridgeInterpreter.Dispatch, which decodes them, runs
/// the operation on the TokenServer and encodes the reply.
/// </summary>
[BenchmarkCategory("Bridge")]
public class BridgeBenchmarks
{
    private BridgeAbi _abi = null!;
    private HandleStore _store = null!;
    private BridgeInterpreter _interpreter = null!;
    private readonly RpcWriter _reply = new();
    private TokenStream _leaves = TokenStream.Empty;
    private byte[] _concatRequest = [];
    private byte[] _isEmptyRequest = [];
    private uint _next = 1;

    [GlobalSetup]
    public void Setup()
    {
        _abi = BridgeAbiCatalog.BuiltIn.Single(a => a.Name == "A95");
        _store = new HandleStore(_ => _next++);
        var g = Corpus.Globals;
        var server = new TokenServer(new LocatedSpanSemantics(g.DefSite, g.CallSite, g.MixedSite));
        _interpreter = new BridgeInterpreter(_abi, _store, server);
        _leaves = TokenStream.Of(Corpus.Leaves(Corpus.Lex(Corpus.Source)).Take(10_000));

        // ts_concat_trees(None, trees): the Vec<TokenTree> part is exactly what ts_into_trees returns.
        var reply = IntoTrees();
        _concatRequest = [(byte)Tag(BridgeOp.TsConcatTrees), 1, .. reply[1..]];
        var handle = _store.Alloc(HandleType.TokenStream, _leaves);
        _isEmptyRequest = [(byte)Tag(BridgeOp.TsIsEmpty), .. BitConverter.GetBytes(handle)];
    }

    private int Tag(BridgeOp op) => _abi.MethodTags[_abi.Methods.ToList().FindIndex(m => m.Op == op)];

    private byte[] IntoTrees()
    {
        var handle = _store.Alloc(HandleType.TokenStream, _leaves);
        byte[] request = [(byte)Tag(BridgeOp.TsIntoTrees), .. BitConverter.GetBytes(handle)];
        _interpreter.Dispatch(request, _reply);
        return _reply.Written.ToArray();
    }

    /// <summary>ts_into_trees of 10,000 leaves: every tree encoded, every span interned (the reply the client decodes).</summary>
    [Benchmark]
    public int IntoTrees10k()
    {
        var handle = _store.Alloc(HandleType.TokenStream, _leaves);
        Span<byte> request = stackalloc byte[5];
        request[0] = (byte)Tag(BridgeOp.TsIntoTrees);
        BinaryPrimitives.WriteUInt32LittleEndian(request[1..], handle);
        _interpreter.Dispatch(request, _reply);
        return _reply.Length;
    }

    /// <summary>ts_concat_trees(None, 10,000 trees): every tree decoded (symbols interned, spans looked up), a stream handle returned.</summary>
    [Benchmark]
    public int ConcatTrees10k()
    {
        _interpreter.Dispatch(_concatRequest, _reply);
        // Free the returned stream, as the client eventually does (ts_drop).
        var handle = BinaryPrimitives.ReadUInt32LittleEndian(_reply.Written[1..]);
        _store.Take(HandleType.TokenStream, handle);
        return _reply.Length;
    }

    /// <summary>ts_is_empty on a borrowed handle: the fixed cost of one RPC (decode tag and handle, invoke, encode a bool).</summary>
    [Benchmark]
    public int SmallRpc()
    {
        _interpreter.Dispatch(_isEmptyRequest, _reply);
        return _reply.Length;
    }
}
