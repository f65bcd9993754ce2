using LiveCounter.Api.Http;
using LiveCounter.Problems;

namespace LiveCounter.Api.Routing;

/// <summary>A 405 problem with the <c>Allow</c> header that RFC 9110 requires on every 405.</summary>
public sealed class MethodNotAllowedResult(Problem problem, IReadOnlyList<string> allow) : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<Problem>
{
    public Problem Value { get; } = problem;

    object? IValueHttpResult.Value => Value;

    public IReadOnlyList<string> Allow { get; } = allow;

    public int? StatusCode => Value.Status;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.Headers.Allow = string.Join(", ", Allow);
        return ProblemResult.WriteAsync(httpContext.Response, Value);
    }
}
