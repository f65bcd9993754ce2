using LiveCounter.Problems;
using LiveCounter.Standalone.Problems;
using LiveCounter.Visitors;

namespace LiveCounter.Standalone.Realtime;

/// <summary>
/// Answers the hub's own bad requests with the API's problem+json rather than SignalR's plain-text replies, and
/// refuses a connection whose <c>visitorId</c> is present but malformed, as the Functions negotiate does.
/// </summary>
public static class HubRequestGuard
{
    public static IApplicationBuilder UseHubRequestGuard(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (ProblemWith(context) is { } problem)
            {
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

        var negotiate = rest.Equals("/negotiate", StringComparison.OrdinalIgnoreCase);
        var connect = !rest.HasValue || rest == "/";
        if (!negotiate && !connect)
        {
            return null;
        }

        if (negotiate && !HttpMethods.IsPost(request.Method))
        {
            return Problem.MethodNotAllowed($"{request.Method} is not allowed here; negotiate with POST.");
        }

        if (connect && !context.WebSockets.IsWebSocketRequest && !request.Query.ContainsKey("id"))
        {
            return Problem.BadRequest("This is the SignalR hub 'counter': connect with a SignalR client, which negotiates at POST /api/negotiate.");
        }

        if (request.Query.TryGetValue(VisitorUserIdProvider.QueryKey, out var values))
        {
            var parsed = VisitorId.Parse(values.Count == 1 ? values[0] : null, VisitorUserIdProvider.QueryKey);
            return parsed.Succeeded ? null : parsed.Problem;
        }

        return null;
    }
}
