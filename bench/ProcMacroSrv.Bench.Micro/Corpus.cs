using System.Text;
using ProcMacroSrv.Bench.Sessions;
using ProcMacroSrv.Protocol;
using ProcMacroSrv.TokenModel;
using ProcMacroSrv.TokenModel.Lexing;

namespace ProcMacroSrv.Bench.Micro;

/// <summary>
/// The inputs of the micro-benchmarks: one large Rust file made of the session benchmark's
/// generated items (structs, enums, traits, functions; about 0.4 MB and 90,000 tokens), lexed with
/// rust-analyzer-like located spans, and what the protocol layer makes of it.
/// </summary>
internal static class Corpus
{
    public const uint FileId = (2u << 23) | 11;
    public const uint Anchor = (2u << 27) | (1u << 16) | 0x5eed;
    public const uint Context = 0xFFFF_FF01;

    public static readonly Span CallSite = new(FileId, Span.RootAnchor, 0, 10, 18);

    private static readonly Lazy<string> s_source = new(() =>
    {
        var b = new StringBuilder();
        b.Append(Inputs.SerdeStruct(1000, 0));
        b.Append(Inputs.ErrorEnum(500, 0));
        b.Append(Inputs.CliStruct(300, 0));
        b.Append(Inputs.AsyncTrait(300, 0));
        b.Append(Inputs.InstrumentedFn(1000, 0));
        b.Append(Inputs.DeriveMoreEnum(500, 0));
        b.Append(Inputs.StrumEnum(500, 0));
        b.Append(Inputs.Items(500, 0));
        b.Append(Inputs.TaggedFn(500, 0));
        return b.ToString();
    });

    /// <summary>The Rust text.</summary>
    public static string Source => s_source.Value;

    public static Span SpanAt(int start, int end) => new(FileId, Anchor, (uint)start, (uint)end, Context);

    /// <summary>Lexes <paramref name="source"/> with located spans; throws if it does not lex cleanly.</summary>
    public static TokenStream Lex(string source)
    {
        var result = TokenStreamParser.Parse(source, SpanAt, new ParseOptions(Edition.Edition2021));
        return result.IsSuccess && result.Stream is not null ? result.Stream : throw new InvalidOperationException(result.ErrorMessage);
    }

    /// <summary>All leaves of a stream (groups flattened away), in order.</summary>
    public static List<TokenTree> Leaves(TokenStream stream)
    {
        var leaves = new List<TokenTree>();
        var pending = new Stack<(TokenStream Stream, int Index)>();
        pending.Push((stream, 0));
        while (pending.Count > 0)
        {
            var (s, i) = pending.Pop();
            for (; i < s.Count; i++)
            {
                if (s[i] is Group g)
                {
                    pending.Push((s, i + 1));
                    pending.Push((g.Stream, 0));
                    break;
                }
                leaves.Add(s[i]);
            }
        }
        return leaves;
    }

    public static Group Root(TokenStream stream) => new(Delimiter.None, stream, DelimSpan.Single(SpanAt(0, Encoding.UTF8.GetByteCount(Source))));

    public static GlobalSpans Globals => new(new Span((2u << 23) | 3, Span.RootAnchor, 0, 0, 17), CallSite, CallSite with { Context = 19 });
}
