using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace ProcMacroSrv.Reliability.Tests.Support;

/// <summary>One mutation of an ELF file: bytes written at offsets, and possibly a truncation.</summary>
internal sealed record ElfMutation(string Where, IReadOnlyList<(long Offset, byte[] Bytes)> Edits, long? TruncateTo)
{
    public override string ToString()
    {
        var text = new StringBuilder($"mutation of {Where}:");
        foreach (var (offset, bytes) in Edits) text.Append(CultureInfo.InvariantCulture, $"\n  at 0x{offset:X}: {Convert.ToHexString(bytes)}");
        if (TruncateTo is { } length) text.Append(CultureInfo.InvariantCulture, $"\n  truncated to {length} bytes");
        return text.ToString();
    }
}

/// <summary>
/// A copy of a real ELF dylib that is mutated in place and restored after each try, so that
/// fuzzing costs a few small writes per input instead of a copy of the file. Mutations aim at
/// what the inspector reads: the ELF header, the section header table, the section names,
/// <c>.dynsym</c> and <c>.dynstr</c>, and the start of <c>.rustc</c>.
/// </summary>
internal sealed class MutableElf : IDisposable
{
    private readonly byte[] _original;
    private readonly SafeFileHandle _file;
    private readonly List<(string Name, long Start, long Length)> _regions = [];

    public MutableElf(string source, string path)
    {
        Path = path;
        _original = File.ReadAllBytes(source);
        File.WriteAllBytes(path, _original);
        _file = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);

        var data = _original.AsSpan();
        var shoff = (long)BinaryPrimitives.ReadUInt64LittleEndian(data[0x28..]);
        var shentsize = BinaryPrimitives.ReadUInt16LittleEndian(data[0x3A..]);
        var shnum = BinaryPrimitives.ReadUInt16LittleEndian(data[0x3C..]);
        var shstrndx = BinaryPrimitives.ReadUInt16LittleEndian(data[0x3E..]);
        _regions.Add(("ELF header", 0, 64));
        _regions.Add(("section header table", shoff, (long)shentsize * shnum));
        var names = Section(shoff, shentsize, shstrndx);
        _regions.Add(("section names (.shstrtab)", names.Offset, names.Size));
        for (var i = 0; i < shnum; i++)
        {
            var (nameOffset, offset, size) = Section(shoff, shentsize, i);
            var end = data[(int)(names.Offset + nameOffset)..].IndexOf((byte)0);
            var name = Encoding.ASCII.GetString(data.Slice((int)(names.Offset + nameOffset), end));
            if (name is ".dynsym" or ".dynstr") _regions.Add((name, offset, size));
            if (name == ".rustc") _regions.Add((".rustc (first 64 bytes)", offset, Math.Min(64, size)));
            // The section's own header, for edits that change where it points.
            if (name is ".dynsym" or ".dynstr" or ".rustc" or ".shstrtab") _regions.Add(($"section header of {name}", shoff + (long)i * shentsize, shentsize));
        }
        if (!_regions.Any(r => r.Name.StartsWith(".rustc", StringComparison.Ordinal)))
            throw new InvalidOperationException($"{source} has no .rustc section: not a proc-macro dylib");
    }

    public string Path { get; }

    public long Length => _original.Length;

    private (uint NameOffset, long Offset, long Size) Section(long shoff, int shentsize, int index)
    {
        var header = _original.AsSpan((int)(shoff + (long)index * shentsize), shentsize);
        return (BinaryPrimitives.ReadUInt32LittleEndian(header), (long)BinaryPrimitives.ReadUInt64LittleEndian(header[24..]), (long)BinaryPrimitives.ReadUInt64LittleEndian(header[32..]));
    }

    public ElfMutation NextMutation(Random random)
    {
        if (random.Next(20) == 0)
        {
            // Truncated somewhere, often inside what the inspector reads.
            var region = _regions[random.Next(_regions.Count)];
            var at = random.Next(3) == 0 ? random.NextInt64(_original.Length) : region.Start + random.NextInt64(Math.Max(1, region.Length));
            return new ElfMutation($"the file, cut inside {region.Name}", [], Math.Clamp(at, 0, _original.Length - 1));
        }
        var target = _regions[random.Next(_regions.Count)];
        var edits = new List<(long, byte[])>();
        for (int i = 0, n = 1 + random.Next(3); i < n; i++)
        {
            var width = random.Next(4) switch { 0 => 1, 1 => 2, 2 => 4, _ => 8 };
            var offset = target.Start + random.NextInt64(Math.Max(1, target.Length - width + 1));
            offset -= offset % width;
            if (offset < 0 || offset + width > _original.Length) continue;
            var bytes = new byte[width];
            var value = random.Next(8) switch
            {
                0 => 0UL,
                1 => ulong.MaxValue,
                2 => (ulong)_original.Length + (ulong)random.Next(-2, 3),
                3 => 1UL << random.Next(64),
                4 => (ulong)random.Next(256),
                5 => (ulong)long.MaxValue,
                6 => ReadAt(offset, width) ^ (1UL << random.Next(width * 8)),
                _ => (ulong)random.NextInt64(),
            };
            for (var b = 0; b < width; b++) bytes[b] = (byte)(value >> (8 * b));
            edits.Add((offset, bytes));
        }
        return new ElfMutation(target.Name, edits, null);
    }

    private ulong ReadAt(long offset, int width)
    {
        ulong value = 0;
        for (var b = 0; b < width; b++) value |= (ulong)_original[offset + b] << (8 * b);
        return value;
    }

    public void Apply(ElfMutation mutation)
    {
        foreach (var (offset, bytes) in mutation.Edits) RandomAccess.Write(_file, bytes, offset);
        if (mutation.TruncateTo is { } length) RandomAccess.SetLength(_file, length);
    }

    public void Restore(ElfMutation mutation)
    {
        foreach (var (offset, bytes) in mutation.Edits) RandomAccess.Write(_file, _original.AsSpan((int)offset, bytes.Length), offset);
        if (mutation.TruncateTo is { } length) RandomAccess.Write(_file, _original.AsSpan((int)length), length);
    }

    public void Dispose() => _file.Dispose();
}
