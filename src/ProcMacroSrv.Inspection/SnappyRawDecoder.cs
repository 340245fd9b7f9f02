namespace ProcMacroSrv.Inspection;

/// <summary>
/// Decoder for one raw snappy block (the "snappy format" without framing): a varint with the
/// decoded length, then literal and back-reference elements.
/// </summary>
/// <remarks>
/// Metadata version 6 compresses the `.rustc` section with snappy, and only the first few dozen
/// decoded bytes are needed, so decoding can stop as soon as the destination is full. Malformed
/// input raises <see cref="InvalidDataException"/>.
/// </remarks>
internal static class SnappyRawDecoder
{
    /// <summary>Reads the block's decoded length (its varint preamble).</summary>
    /// <param name="block">The block.</param>
    /// <param name="preambleLength">How many bytes the varint took.</param>
    public static uint ReadDecodedLength(ReadOnlySpan<byte> block, out int preambleLength)
    {
        uint value = 0;
        for (int i = 0; i < 5; i++)
        {
            if (i >= block.Length)
            {
                throw new InvalidDataException("snappy block ends inside its length preamble");
            }

            byte b = block[i];
            if (i == 4 && b > 0x0f)
            {
                throw new InvalidDataException("snappy block length preamble does not fit in 32 bits");
            }

            value |= (uint)(b & 0x7f) << (7 * i);
            if (b < 0x80)
            {
                preambleLength = i + 1;
                return value;
            }
        }

        throw new InvalidDataException("snappy block length preamble does not fit in 32 bits");
    }

    /// <summary>
    /// Decodes <paramref name="block"/> into <paramref name="destination"/>, stopping when the
    /// destination is full. A destination at least as long as the decoded length gets the whole
    /// block, and then the block must decode to exactly that length.
    /// </summary>
    /// <returns>The number of bytes written.</returns>
    public static int Decode(ReadOnlySpan<byte> block, Span<byte> destination)
    {
        uint declared = ReadDecodedLength(block, out int position);
        int limit = (int)Math.Min(declared, (uint)destination.Length);
        long produced = 0;

        while (produced < limit)
        {
            if (position >= block.Length)
            {
                throw new InvalidDataException($"snappy block ends after {produced} of {declared} decoded bytes");
            }

            byte tag = block[position++];
            long length;
            long offset = 0;
            switch (tag & 3)
            {
                case 0:
                    length = (tag >> 2) + 1;
                    if (length > 60)
                    {
                        // Tags 60..63 say the length-1 follows in 1..4 little-endian bytes.
                        int lengthBytes = (int)length - 60;
                        length = ReadLittleEndian(block, ref position, lengthBytes, "literal length") + 1;
                    }

                    break;
                case 1:
                    length = 4 + ((tag >> 2) & 7);
                    offset = ((long)(tag >> 5) << 8) | ReadLittleEndian(block, ref position, 1, "copy offset");
                    break;
                case 2:
                    length = (tag >> 2) + 1;
                    offset = ReadLittleEndian(block, ref position, 2, "copy offset");
                    break;
                default:
                    length = (tag >> 2) + 1;
                    offset = ReadLittleEndian(block, ref position, 4, "copy offset");
                    break;
            }

            if (produced + length > declared)
            {
                throw new InvalidDataException(
                    $"snappy block decodes to more than its declared {declared} bytes");
            }

            int take = (int)Math.Min(length, limit - produced);
            Span<byte> target = destination.Slice((int)produced, take);
            if ((tag & 3) == 0)
            {
                if (length > block.Length - position)
                {
                    throw new InvalidDataException(
                        $"snappy literal of {length} bytes runs past the end of the block");
                }

                block.Slice(position, take).CopyTo(target);
                position += (int)length;
            }
            else
            {
                if (offset == 0 || offset > produced)
                {
                    throw new InvalidDataException(
                        $"snappy copy refers {offset} bytes back, but only {produced} bytes have been decoded");
                }

                // Byte by byte on purpose: an offset shorter than the length repeats the bytes
                // just written (run-length encoding), which a block copy would not do.
                int from = (int)(produced - offset);
                for (int i = 0; i < take; i++)
                {
                    target[i] = destination[from + i];
                }
            }

            produced += take;
        }

        if (limit == declared && position != block.Length)
        {
            throw new InvalidDataException(
                $"snappy block has {block.Length - position} bytes left after its declared {declared} decoded bytes");
        }

        return (int)produced;
    }

    private static long ReadLittleEndian(ReadOnlySpan<byte> block, ref int position, int count, string what)
    {
        if (count > block.Length - position)
        {
            throw new InvalidDataException($"snappy block ends inside a {what}");
        }

        long value = 0;
        for (int i = 0; i < count; i++)
        {
            value |= (long)block[position + i] << (8 * i);
        }

        position += count;
        return value;
    }
}
