using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace LiveCounter.Standalone.Tests.Hostile;

/// <summary>
/// HTTP/1.1 written by hand over a TCP socket, for requests HttpClient refuses to send or would normalise first:
/// raw bytes in the request line, <c>%2F</c> and <c>..</c> left as they are, malformed headers.
/// </summary>
/// <remarks>
/// The request text is sent in Latin-1, one byte per character, so <c>"\u00FF"</c> in a test is the single raw byte
/// 0xFF on the wire. Every request asks for <c>Connection: close</c>, so one connection carries one response.
/// </remarks>
public static class RawHttp
{
    /// <summary>A request line, the Host and Connection headers, <paramref name="headers"/> and the body with its length.</summary>
    public static byte[] Request(string method, string target, byte[]? body = null, params string[] headers)
    {
        var head = new StringBuilder()
            .Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\n")
            .Append("Host: localhost\r\n")
            .Append("Connection: close\r\n");
        foreach (var header in headers)
        {
            head.Append(header).Append("\r\n");
        }

        if (body is not null || method is "POST" or "PUT" or "PATCH")
        {
            head.Append("Content-Length: ").Append(body?.Length ?? 0).Append("\r\n");
        }

        head.Append("\r\n");
        return [.. Encoding.Latin1.GetBytes(head.ToString()), .. body ?? []];
    }

    public static Task<RawResponse> SendAsync(Uri server, string method, string target, byte[]? body = null, params string[] headers) =>
        SendAsync(server, Request(method, target, body, headers));

    /// <summary>Sends exactly <paramref name="request"/> and reads one response: until it is complete or the server closes.</summary>
    public static async Task<RawResponse> SendAsync(Uri server, byte[] request)
    {
        ArgumentNullException.ThrowIfNull(server);
        var cancellationToken = TestContext.Current.CancellationToken;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port, cancellationToken);
        var stream = tcp.GetStream();
        using var received = new MemoryStream();
        try
        {
            await stream.WriteAsync(request, cancellationToken);
            var buffer = new byte[16 * 1024];
            int read;
            while (!RawResponse.IsComplete(received.GetBuffer().AsSpan(0, (int)received.Length))
                && (read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (IOException) when (received.Length > 0)
        {
            // A server that refuses a request early may reset the connection while the rest of it is still in
            // flight; the answer it sent before that is what counts.
        }

        return RawResponse.Parse(received.ToArray());
    }
}

/// <summary>A response read off the wire: status, headers (repeated ones joined with ", ") and the decoded body.</summary>
public sealed class RawResponse
{
    RawResponse(int status, string statusLine, Dictionary<string, string> headers, byte[] body)
    {
        Status = status;
        StatusLine = statusLine;
        Headers = headers;
        Body = body;
    }

    public int Status { get; }

    public string StatusLine { get; }

    public IReadOnlyDictionary<string, string> Headers { get; }

    public byte[] Body { get; }

    public string BodyText => Encoding.UTF8.GetString(Body);

    public string? ContentType => Headers.GetValueOrDefault("Content-Type");

    public static RawResponse Parse(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var end = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        Assert.True(end >= 0, $"No complete response head arrived; received {bytes.Length} bytes: {Encoding.Latin1.GetString(bytes)}");

        var lines = Encoding.Latin1.GetString(bytes, 0, end).Split("\r\n");
        var statusParts = lines[0].Split(' ', 3);
        Assert.True(statusParts is [['H', 'T', 'T', 'P', '/', ..], _, ..], $"Not an HTTP status line: {lines[0]}");
        var status = int.Parse(statusParts[1], System.Globalization.CultureInfo.InvariantCulture);

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var (name, value) = (line[..colon], line[(colon + 1)..].Trim());
            headers[name] = headers.TryGetValue(name, out var earlier) ? $"{earlier}, {value}" : value;
        }

        var rest = bytes[(end + 4)..];
        var chunked = headers.TryGetValue("Transfer-Encoding", out var coding) && coding.Contains("chunked", StringComparison.OrdinalIgnoreCase);
        return new RawResponse(status, lines[0], headers, chunked ? Dechunk(rest) : rest);
    }

    /// <summary>
    /// Whether <paramref name="bytes"/> hold a whole response: its head and the body its Content-Length or chunked
    /// framing announces. A response with neither ends when the server closes the connection.
    /// </summary>
    public static bool IsComplete(ReadOnlySpan<byte> bytes)
    {
        var end = bytes.IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            return false;
        }

        var head = Encoding.Latin1.GetString(bytes[..end]);
        var body = bytes[(end + 4)..];
        if (head.Contains("\r\nTransfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase))
        {
            return body.EndsWith("\r\n0\r\n\r\n"u8) || body.SequenceEqual("0\r\n\r\n"u8);
        }

        var length = head.Split("\r\n").FirstOrDefault(line => line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        return length is not null && body.Length >= int.Parse(length["Content-Length:".Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Asserts an RFC 9457 problem with the given status, as <c>Api.AssertProblemAsync</c> does over HttpClient.</summary>
    public JsonElement AssertProblem(int status)
    {
        Assert.True(status == Status, $"Expected {status} but got {StatusLine}: {BodyText}");
        Assert.Equal("application/problem+json", ContentType?.Split(';')[0]);
        return Infrastructure.Api.AssertProblemBody(BodyText, status);
    }

    /// <summary>
    /// Asserts the answer Kestrel gives to a request it rejects while parsing the request line or headers, before
    /// any middleware runs: the status, no body, no content type, and the connection closed.
    /// </summary>
    public void AssertRefusedByKestrel(int status)
    {
        Assert.True(status == Status, $"Expected Kestrel's {status} but got {StatusLine}: {BodyText}");
        Assert.Empty(Body);
        Assert.Null(ContentType);
        Assert.Equal("0", Headers.GetValueOrDefault("Content-Length"));
        Assert.Equal("close", Headers.GetValueOrDefault("Connection"));
    }

    /// <summary>What every answer to a hostile request guarantees: a client error, and never an HTML page.</summary>
    public void AssertClientErrorWithoutHtml()
    {
        Assert.True(Status is >= 400 and < 500, $"Expected a 4xx but got {StatusLine}: {BodyText}");
        Assert.DoesNotContain("html", ContentType ?? "", StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<html", BodyText, StringComparison.OrdinalIgnoreCase);
    }

    static byte[] Dechunk(byte[] chunked)
    {
        using var body = new MemoryStream();
        var at = 0;
        while (true)
        {
            var lineEnd = chunked.AsSpan(at).IndexOf("\r\n"u8);
            Assert.True(lineEnd >= 0, "A chunk size line is incomplete.");
            var size = Convert.ToInt32(Encoding.Latin1.GetString(chunked, at, lineEnd).Split(';')[0], 16);
            at += lineEnd + 2;
            if (size == 0)
            {
                return body.ToArray();
            }

            body.Write(chunked, at, size);
            at += size + 2;
        }
    }

    public override string ToString() => $"{StatusLine} {ContentType} {BodyText}";
}
