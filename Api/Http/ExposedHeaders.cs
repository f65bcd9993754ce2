using LiveCounter.Api.Increments;

namespace LiveCounter.Api.Http;

/// <summary>
/// The response headers a page served from another origin may read: a browser hides every header but the
/// CORS-safelisted ones unless the response names it in <c>Access-Control-Expose-Headers</c>. The pages need
/// <c>Retry-After</c> to wait as long as the server asks, and clients may want <c>Idempotent-Replayed</c>.
/// </summary>
/// <remarks>
/// Named by the API's own responses, in both hosts, rather than by each host's CORS settings: the Functions host's
/// CORS policy exposes no header of its own and leaves the app's alone (docs/deploy.md says how that was found).
/// </remarks>
public static class ExposedHeaders
{
    public const string Value = "Retry-After, " + IncrementOk.ReplayedHeader;

    public static void Expose(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Headers.AccessControlExposeHeaders = Value;
    }
}
