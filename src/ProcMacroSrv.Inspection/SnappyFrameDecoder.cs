namespace ProcMacroSrv.Inspection;

/// <summary>
/// Decoder for the snappy framing format: a stream identifier chunk, then chunks of compressed
/// (raw snappy) or uncompressed data, each at most 64 KiB decoded.
/// </summary>
/// <remarks>
/// Decoding stops once enough bytes are out, because the caller only needs the metadata header.
/// The chunks' masked CRC-32C checksums are not verified: a chunk is usually decoded only in
/// part, and the header that is read is validated on its own (magic, version string grammar).
/// Malformed input raises <see cref="InvalidDataException"/>.
/// </remarks>
internal static class SnappyFrameDecoder
{
    /// <summary>The largest decoded size of one chunk the format allows.</summary>
    public const int MaxChunkDataLength = 65536;

    private const byte CompressedChunk = 0x00;
    private const byte UncompressedChunk = 0x01;
    private const byte StreamIdentifierChunk = 0xff;
    private const int ChunkHeaderLength = 4;
    private const int ChecksumLength = 4;

    private static ReadOnlySpan<byte> StreamIdentifier =>
        [0xff, 0x06, 0x00, 0x00, (byte)'s', (byte)'N', (byte)'a', (byte)'P', (byte)'p', (byte)'Y'];

    /// <summary>
    /// Decodes chunks until <paramref name="wanted"/> bytes are out or the stream ends, and returns
    /// at most <paramref name="wanted"/> bytes (fewer only if the stream is shorter).
    /// </summary>
    public static byte[] Decode(ReadOnlySpan<byte> stream, int wanted)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(wanted);
        if (!stream.StartsWith(StreamIdentifier))
        {
            throw new InvalidDataException("snappy stream does not start with the stream identifier `ff 06 00 00 sNaPpY`");
        }

        byte[] output = new byte[wanted];
        int produced = 0;
        int position = StreamIdentifier.Length;
        while (produced < wanted && position < stream.Length)
        {
            if (stream.Length - position < ChunkHeaderLength)
            {
                throw new InvalidDataException($"snappy stream ends inside a chunk header at offset {position}");
            }

            byte type = stream[position];
            int length = stream[position + 1] | (stream[position + 2] << 8) | (stream[position + 3] << 16);
            int bodyStart = position + ChunkHeaderLength;
            if (length > stream.Length - bodyStart)
            {
                throw new InvalidDataException(
                    $"snappy stream is truncated: the chunk at offset {position} has {length} bytes, " +
                    $"but only {stream.Length - bodyStart} remain");
            }

            ReadOnlySpan<byte> body = stream.Slice(bodyStart, length);
            position = bodyStart + length;
            switch (type)
            {
                case CompressedChunk:
                    {
                        ReadOnlySpan<byte> block = Payload(body, "compressed", bodyStart);
                        uint decoded = SnappyRawDecoder.ReadDecodedLength(block, out _);
                        if (decoded > MaxChunkDataLength)
                        {
                            throw new InvalidDataException(
                                $"snappy chunk at offset {bodyStart - ChunkHeaderLength} claims {decoded} decoded bytes, " +
                                $"more than the {MaxChunkDataLength} the format allows");
                        }

                        produced += SnappyRawDecoder.Decode(block, output.AsSpan(produced));
                        break;
                    }

                case UncompressedChunk:
                    {
                        ReadOnlySpan<byte> data = Payload(body, "uncompressed", bodyStart);
                        if (data.Length > MaxChunkDataLength)
                        {
                            throw new InvalidDataException(
                                $"uncompressed snappy chunk at offset {bodyStart - ChunkHeaderLength} has {data.Length} bytes, " +
                                $"more than the {MaxChunkDataLength} the format allows");
                        }

                        int take = Math.Min(data.Length, wanted - produced);
                        data[..take].CopyTo(output.AsSpan(produced));
                        produced += take;
                        break;
                    }

                case StreamIdentifierChunk:
                    // Concatenated streams repeat the identifier; it must still be the right one.
                    if (!body.SequenceEqual(StreamIdentifier[ChunkHeaderLength..]))
                    {
                        throw new InvalidDataException($"bad snappy stream identifier chunk at offset {bodyStart - ChunkHeaderLength}");
                    }

                    break;
                case < 0x80:
                    throw new InvalidDataException(
                        $"snappy stream has a reserved unskippable chunk (type 0x{type:x2}) at offset {bodyStart - ChunkHeaderLength}");
                default:
                    // 0x80..0xfd are reserved skippable chunks and 0xfe is padding: both are ignored.
                    break;
            }
        }

        return produced == wanted ? output : output[..produced];
    }

    private static ReadOnlySpan<byte> Payload(ReadOnlySpan<byte> body, string kind, int bodyStart)
    {
        if (body.Length < ChecksumLength)
        {
            throw new InvalidDataException(
                $"{kind} snappy chunk at offset {bodyStart - ChunkHeaderLength} is too short for its checksum");
        }

        return body[ChecksumLength..];
    }
}
