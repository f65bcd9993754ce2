using LiveCounter.Api.Http;
using LiveCounter.Api.Negotiation;
using LiveCounter.Problems;

namespace LiveCounter.Standalone.Realtime;

/// <summary>
/// Answers the hub's own bad requests with the API's problem+json rather than SignalR's plain-text replies, and
/// holds negotiate to the contract's rules: POST only, and a well-formed <c>visitorId</c> required, as the Functions
/// negotiate binding requires one.
/// </summary>
/// <remarks>SignalR's endpoints match with or without a trailing slash, so the guard does too.</remarks>
public static class HubRequestGuard
{
    public static IApplicationBuilder UseHubRequestGuard(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (ProblemWith(context) is { } problem)
            {
                if (problem.Status == StatusCodes.Status405MethodNotAllowed)
                {
                    context.Response.Headers.Allow = HttpMethods.Post;
                }

                await ProblemResult.WriteAsync(context.Response, problem);
                return;
            }

            await next(context);
        });

    static Problem? ProblemWith(HttpContext context)
    {
        var request = context.Request;
        if (!request.Path.StartsWithSegments(CounterHubEndpoints.HubPath, StringComparison.OrdinalIgnoreCase, out var rest))
        {
            return null;
        }

        var segment = rest.Value?.TrimEnd('/') ?? string.Empty;
        var negotiate = segment.Equals("/negotiate", StringComparison.OrdinalIgnoreCase);
        var connect = segment.Length == 0;
        if (negotiate)
        {
            return HttpMethods.IsPost(request.Method)
                ? NegotiateRequest.ProblemWith(request)
                : Problem.MethodNotAllowed($"{request.Method} is not allowed here; negotiate with POST.");
        }

        if (connect)
        {
            return !context.WebSockets.IsWebSocketRequest && !request.Query.ContainsKey("id")
                ? Problem.BadRequest("This is the SignalR hub 'counter': connect with a SignalR client, which negotiates at POST /api/negotiate.")
                : NegotiateRequest.ProblemWith(request, required: false);
        }

        return null;
    }
}
