using System.Globalization;
using System.Text.Json;
using LiveCounter.Problems;

namespace LiveCounter.Api.Http;

/// <summary>Writes a Counters <see cref="Problem"/> as <c>application/problem+json</c>, the only error shape the API sends.</summary>
public sealed class ProblemResult(Problem problem) : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<Problem>
{
    public Problem Value { get; } = problem;

    object? IValueHttpResult.Value => Value;

    public int? StatusCode => Value.Status;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        return WriteAsync(httpContext.Response, Value);
    }

    /// <summary>The problem as the response: its status, <c>Retry-After</c> when it has one, and the body.</summary>
    public static async Task WriteAsync(HttpResponse response, Problem problem)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(problem);
        response.StatusCode = problem.Status;
        response.ContentType = Problem.ContentType;
        if (problem.RetryAfterSeconds is { } seconds)
        {
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            ExposedHeaders.Expose(response);
        }

        await JsonSerializer.SerializeAsync(response.Body, problem, ApiJson.Options, response.HttpContext.RequestAborted);
    }
}
