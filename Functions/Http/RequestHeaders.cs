using System.Globalization;
using Microsoft.Azure.Functions.Worker.Http;

namespace LiveCounter.Functions.Http;

/// <summary>Reads the few request headers the API looks at, exactly as the client sent them.</summary>
public static class RequestHeaders
{
    /// <summary>The header's value, its repetitions joined with ',' (so a repeated header fails validation); null when absent.</summary>
    public static string? Get(HttpRequestData request, string name)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Headers.TryGetValues(name, out var values) ? string.Join(',', values) : null;
    }

    /// <summary>The declared Content-Length, when there is a parsable one; the body reader never trusts it alone.</summary>
    public static long? ContentLength(HttpRequestData request) =>
        long.TryParse(Get(request, "Content-Length"), NumberStyles.None, CultureInfo.InvariantCulture, out var length) ? length : null;
}
