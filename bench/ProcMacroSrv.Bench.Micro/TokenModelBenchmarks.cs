using BenchmarkDotNet.Attributes;
using ProcMacroSrv.TokenModel;
using ProcMacroSrv.TokenModel.Printing;

namespace ProcMacroSrv.Bench.Micro;

/// <summary>The token model: lexing (TokenStream::from_str), printing (to_string), concatenation and reading.</summary>
[BenchmarkCategory("TokenModel")]
public class TokenModelBenchmarks
{
    private string _source = "";
    private TokenStream _stream = TokenStream.Empty;
    private TokenTree[] _leaves = [];
    private TokenStream[] _chunks = [];

    [GlobalSetup]
    public void Setup()
    {
        _source = Corpus.Source;
        _stream = Corpus.Lex(_source);
        _leaves = Corpus.Leaves(_stream).Take(10_000).ToArray();
        _chunks = _leaves.Chunk(8).Select(c => TokenStream.Of(c)).ToArray();
    }

    /// <summary>TokenStreamParser.Parse of the whole corpus (about 0.4 MB of Rust).</summary>
    [Benchmark]
    public TokenStream? Lex() => ProcMacroSrv.TokenModel.Lexing.TokenStreamParser.Parse(_source, Corpus.SpanAt).Stream;

    /// <summary>TokenPrinter.Print of the lexed corpus.</summary>
    [Benchmark]
    public string Print() => TokenPrinter.Print(_stream);

    /// <summary>
    /// 10,000 single-tree appends, as proc_macro2 builds a stream (concat_trees with a base), then
    /// one read of the result (which flattens it).
    /// </summary>
    [Benchmark]
    public int ConcatTreesOneByOneThenRead()
    {
        var s = TokenStream.Empty;
        foreach (var leaf in _leaves) s = s.Concat(TokenStream.Single(leaf));
        return s.Count + (s[s.Count - 1] is null ? 1 : 0);
    }

    /// <summary>1,250 streams of 8 trees joined at once (concat_streams), then read.</summary>
    [Benchmark]
    public int ConcatStreamsThenRead()
    {
        var s = TokenStream.Empty.Concat(_chunks);
        return s.Count + (s[s.Count - 1] is null ? 1 : 0);
    }

    /// <summary>Clone (sharing) and iterate a flat stream of 10,000 trees: what ts_clone + into_trees cost before encoding.</summary>
    [Benchmark]
    public int CloneAndIterate()
    {
        var clone = TokenStream.Of(_leaves);
        var n = 0;
        foreach (var t in clone) n += t is Punct ? 1 : 0;
        return n;
    }
}
