using System.Globalization;
using System.Net;
using System.Text.Json;
using LiveCounter.Problems;
using LiveCounter.Wire;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Logging;

namespace LiveCounter.Functions.Http;

/// <summary>Writes every response body the API sends, with the same JSON options as the Standalone host.</summary>
public static class ApiResponses
{
    public const string JsonContentType = "application/json; charset=utf-8";

    static readonly Action<ILogger, string, Exception?> LogUnexpectedFailure = LoggerMessage.Define<string>(
        LogLevel.Error, new EventId(1, "UnexpectedFailure"), "{Function} failed unexpectedly; it answered 500 and wrote nothing.");

    /// <summary><paramref name="status"/> with <paramref name="value"/> as camelCase JSON.</summary>
    public static Task<HttpResponseData> JsonAsync<T>(HttpRequestData request, HttpStatusCode status, T value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = request.CreateResponse(status);
        return WriteJsonAsync(response, value, cancellationToken);
    }

    /// <summary>Writes <paramref name="value"/> as the body of a response whose status and headers are already set.</summary>
    public static async Task<HttpResponseData> WriteJsonAsync<T>(HttpResponseData response, T value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Headers.Add("Content-Type", JsonContentType);
        await response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(value, CountersJson.Options), cancellationToken);
        return response;
    }

    /// <summary>An RFC 9457 problem: its status, <c>application/problem+json</c>, and <c>Retry-After</c> when it has one.</summary>
    public static async Task<HttpResponseData> ProblemAsync(HttpRequestData request, Problem problem, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(problem);
        var response = request.CreateResponse((HttpStatusCode)problem.Status);
        response.Headers.Add("Content-Type", Problem.ContentType);
        if (problem.RetryAfterSeconds is { } seconds)
        {
            response.Headers.Add("Retry-After", seconds.ToString(CultureInfo.InvariantCulture));
        }

        await response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(problem, CountersJson.Options), cancellationToken);
        return response;
    }

    /// <summary>204 with no body.</summary>
    public static HttpResponseData NoContent(HttpRequestData request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.CreateResponse(HttpStatusCode.NoContent);
    }

    /// <summary>Logs an exception nothing else handled and answers with a 500 problem that reveals nothing about it.</summary>
    public static Task<HttpResponseData> InternalErrorAsync(HttpRequestData request, ILogger logger, string function, Exception exception)
    {
        LogUnexpectedFailure(logger, function, exception);

        // The request's token may be the reason we are here; the 500 is written regardless.
        return ProblemAsync(request, Problem.InternalError(), CancellationToken.None);
    }

    /// <summary>
    /// True for any exception a function should turn into a 500, false for the caller's own cancellation (which the
    /// worker reports as a cancelled invocation).
    /// </summary>
    public static bool IsUnexpected(Exception exception, CancellationToken cancellationToken) =>
        exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested;
}
