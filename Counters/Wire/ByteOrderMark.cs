namespace LiveCounter.Wire;

/// <summary>The UTF-8 byte-order mark some clients put before a JSON body.</summary>
/// <remarks>RFC 8259 (section 8.1) forbids sending it but lets a parser ignore it, and the contract says bodies do.</remarks>
internal static class ByteOrderMark
{
    public static ReadOnlySpan<byte> Strip(ReadOnlySpan<byte> body) =>
        body.StartsWith("\uFEFF"u8) ? body["\uFEFF"u8.Length..] : body;
}
