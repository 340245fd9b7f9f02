using System.Buffers;
using BenchmarkDotNet.Attributes;
using ProcMacroSrv.Protocol;
using ProcMacroSrv.Protocol.Json;
using ProcMacroSrv.TokenModel;

namespace ProcMacroSrv.Bench.Micro;

/// <summary>The wire formats: FlatTree with the span table (RustAnalyzer mode, API version 6) and json-legacy messages.</summary>
[BenchmarkCategory("Protocol")]
public class ProtocolBenchmarks
{
    private TokenStream _stream = TokenStream.Empty;
    private FlatTree _tree = null!;
    private uint[] _table = [];
    private ExpandMacroRequest _request = null!;
    private byte[] _requestJson = [];
    private Response _response = null!;
    private byte[] _responseJson = [];
    private readonly ArrayBufferWriter<byte> _buffer = new(16 << 20);
    private readonly WireBuffers _lent = new();

    [GlobalSetup]
    public void Setup()
    {
        _stream = Corpus.Lex(Corpus.Source);
        var table = new SpanDataTable();
        _tree = FlatTree.FromTokenStream(_stream, Corpus.CallSite, table);
        _table = table.ToWire();
        _request = ExpandMacroRequest.Encode("/workspace/target/debug/deps/libmacros-0123456789abcdef.so", "Serialize",
            Corpus.Root(_stream), null, Corpus.Globals, SpanMode.RustAnalyzer,
            [new("CARGO_PKG_NAME", "bench-app"), new("CARGO_MANIFEST_DIR", "/workspace/bench-app")], "/workspace/bench-app");
        _requestJson = JsonLegacyWriter.EncodeRequest(_request);
        _response = ExpandMacroExtendedResponse.Ok(_tree, _table);
        _responseJson = JsonLegacyWriter.EncodeResponse(_response);
    }

    /// <summary>Tokens → FlatTree and span table, as a server encodes a result (FlatTree.FromTokenStream).</summary>
    [Benchmark]
    public FlatTree FlatTreeWrite() => FlatTree.FromTokenStream(_stream, Corpus.CallSite, new SpanDataTable());

    /// <summary>As <see cref="FlatTreeWrite"/>, into arrays lent by <see cref="WireBuffers"/> (reclaimed each time), as the server does.</summary>
    [Benchmark]
    public int FlatTreeWriteLent()
    {
        var tree = FlatTree.FromTokenStream(_stream, Corpus.CallSite, new SpanDataTable(), buffers: _lent);
        var length = tree.TokenTree.Length;
        _lent.Reclaim();
        return length;
    }

    /// <summary>FlatTree and span table → tokens, as a server decodes its input (SpanDataTable.FromWire + ToTokenStream).</summary>
    [Benchmark]
    public TokenStream FlatTreeRead() => _tree.ToTokenStream(SpanDataTable.FromWire(_table));

    /// <summary>JsonLegacyReader.ReadRequest of the corpus as an ExpandMacro request.</summary>
    [Benchmark]
    public Request JsonReadRequest() => JsonLegacyReader.ReadRequest(_requestJson);

    /// <summary>As <see cref="JsonReadRequest"/>, into arrays lent by <see cref="WireBuffers"/> (reclaimed each time), as the server does.</summary>
    [Benchmark]
    public int JsonReadRequestLent()
    {
        var request = (ExpandMacroRequest)JsonLegacyReader.ReadRequest(_requestJson, _lent);
        var length = request.MacroBody.TokenTree.Length;
        _lent.Reclaim();
        return length;
    }

    /// <summary>JsonLegacyWriter.WriteRequest of that request.</summary>
    [Benchmark]
    public int JsonWriteRequest()
    {
        _buffer.ResetWrittenCount();
        JsonLegacyWriter.WriteRequest(_buffer, _request);
        return _buffer.WrittenCount;
    }

    /// <summary>JsonLegacyReader.ReadResponse of the corpus as an ExpandMacroExtended response.</summary>
    [Benchmark]
    public Response JsonReadResponse() => JsonLegacyReader.ReadResponse(_responseJson);

    /// <summary>JsonLegacyWriter.WriteResponse of that response, as a server answers.</summary>
    [Benchmark]
    public int JsonWriteResponse()
    {
        _buffer.ResetWrittenCount();
        JsonLegacyWriter.WriteResponse(_buffer, _response);
        return _buffer.WrittenCount;
    }
}

/// <summary>
/// JsonLineReader on a pipe: one message line of the given size arriving in 64 KiB reads, as a
/// large response reaches a client or a large request a server (pipe reads return at most 64 KiB).
/// </summary>
[BenchmarkCategory("Protocol")]
public class JsonLineBenchmarks
{
    private byte[] _line = [];

    [Params(1 << 20, 8 << 20)]
    public int Bytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _line = new byte[Bytes + 1];
        _line.AsSpan().Fill((byte)'1');
        _line[0] = (byte)'{';
        _line[^1] = (byte)'\n';
    }

    [Benchmark]
    public int ReadOneLine()
    {
        var reader = new JsonLineReader(new ChunkedStream(_line, 64 * 1024));
        return reader.TryReadMessage(out var message) ? message.Length : -1;
    }

    /// <summary>A read-only stream that returns at most <c>chunk</c> bytes per read, like a pipe.</summary>
    private sealed class ChunkedStream(byte[] data, int chunk) : Stream
    {
        private int _position;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => data.Length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer)
        {
            var n = Math.Min(Math.Min(buffer.Length, chunk), data.Length - _position);
            data.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
