using LiveCounter.Api.Http;
using LiveCounter.Api.Negotiation;
using LiveCounter.Problems;

namespace LiveCounter.Standalone.Realtime;

/// <summary>
/// Answers the hub's own bad requests with the API's problem+json rather than SignalR's plain-text replies (or its
/// 200 carrying an error), and holds negotiate to the contract's rules: POST only, and a well-formed <c>visitorId</c>
/// required, as the Functions negotiate binding requires one.
/// </summary>
/// <remarks>SignalR's endpoints match with or without a trailing slash, so the guard does too.</remarks>
public static class HubRequestGuard
{
    /// <summary>The connection endpoint's methods: GET for every transport, POST and DELETE for long polling's sends and close.</summary>
    static readonly string[] ConnectMethods = [HttpMethods.Get, HttpMethods.Post, HttpMethods.Delete];

    const string NegotiateVersionParameter = "negotiateVersion";

    public static IApplicationBuilder UseHubRequestGuard(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (ProblemWith(context) is { } refusal)
            {
                if (refusal.Allow is { } allow)
                {
                    context.Response.Headers.Allow = allow;
                }

                await ProblemResult.WriteAsync(context.Response, refusal.Problem);
                return;
            }

            await next(context);
        });

    sealed record Refusal(Problem Problem, string? Allow = null);

    static Refusal? ProblemWith(HttpContext context)
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
            if (!HttpMethods.IsPost(request.Method))
            {
                return new(Problem.MethodNotAllowed($"{request.Method} is not allowed here; negotiate with POST."), HttpMethods.Post);
            }

            return (NegotiateRequest.ProblemWith(request) ?? NegotiateVersionProblem(request)) is { } problem ? new(problem) : null;
        }

        if (connect)
        {
            if (!ConnectMethods.Contains(request.Method, StringComparer.OrdinalIgnoreCase))
            {
                return new(Problem.MethodNotAllowed($"{request.Method} is not allowed here; connect with a SignalR client."), string.Join(", ", ConnectMethods));
            }

            var problem = !context.WebSockets.IsWebSocketRequest && !request.Query.ContainsKey("id")
                ? Problem.BadRequest("This is the SignalR hub 'counter': connect with a SignalR client, which negotiates at POST /api/negotiate.")
                : NegotiateRequest.ProblemWith(request, required: false);
            return problem is null ? null : new(problem);
        }

        return null;
    }

    /// <summary>SignalR reads the version itself, and answers one it cannot read with a 200 whose body is an error.</summary>
    static Problem? NegotiateVersionProblem(HttpRequest request) =>
        !request.Query.TryGetValue(NegotiateVersionParameter, out var values)
        || (values.Count == 1 && int.TryParse(values[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
            ? null
            : Problem.BadRequest($"{NegotiateVersionParameter}, when given, is one whole number (the SignalR client sets it).");
}
