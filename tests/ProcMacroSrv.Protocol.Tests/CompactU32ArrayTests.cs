using System.Text;
using ProcMacroSrv.Protocol.Json;

namespace ProcMacroSrv.Protocol.Tests;

/// <summary>
/// The reader's fast path for number arrays takes exactly the compact form serde_json writes and
/// gives exactly its numbers; anything else is left to the general reader (null), never misread.
/// </summary>
public class CompactU32ArrayTests
{
    private static uint[]? Parse(string text) => CompactU32Array.Parse(Encoding.ASCII.GetBytes(text), lender: null)?.ToArray();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void NumbersOfEveryLengthAreReadExactly(int seed)
    {
        var numbers = NumbersOfEveryLength(seed);
        Assert.Equal(numbers, Parse(string.Join(',', numbers)));
    }

    /// <summary>997 u32s of 1 to 10 digits, evenly by length (a span table has mostly long ones).</summary>
    internal static uint[] NumbersOfEveryLength(int seed)
    {
        var random = new Random(seed);
        var numbers = new uint[997];
        for (var i = 0; i < numbers.Length; i++)
        {
            var digits = random.Next(1, 11);
            var low = digits == 1 ? 0L : (long)Math.Pow(10, digits - 1);
            var high = Math.Min((long)Math.Pow(10, digits) - 1, uint.MaxValue);
            numbers[i] = (uint)random.NextInt64(low, high + 1);
        }
        return numbers;
    }

    [Theory]
    [InlineData("0", new uint[] { 0 })]
    [InlineData("7", new uint[] { 7 })]
    [InlineData("12345678", new uint[] { 12345678 })]
    [InlineData("123456789", new uint[] { 123456789 })]
    [InlineData("4294967295", new uint[] { 4294967295 })]
    [InlineData("0,0,0,0,0,0,0,0,0", new uint[] { 0, 0, 0, 0, 0, 0, 0, 0, 0 })]
    [InlineData("10000000,99999999,1", new uint[] { 10000000, 99999999, 1 })]
    [InlineData("", new uint[0])]
    public void TheCompactFormIsRead(string text, uint[] expected) => Assert.Equal(expected, Parse(text));

    [Theory]
    [InlineData("4294967296")]            // over u32
    [InlineData("12345678901")]           // eleven digits
    [InlineData("00")]                    // leading zero
    [InlineData("12345678,012345678")]
    [InlineData("12345678,,1")]
    [InlineData("12345678,")]
    [InlineData(",12345678")]
    [InlineData("1234 5678")]
    [InlineData("12345678 ")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("1e5")]
    [InlineData("12345678x,1")]
    [InlineData("123\u00e9")]
    public void AnythingElseIsLeftToTheGeneralReader(string text) => Assert.Null(CompactU32Array.Parse(Encoding.UTF8.GetBytes(text), lender: null));
}
