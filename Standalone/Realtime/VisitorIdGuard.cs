using LiveCounter.Standalone.Problems;
using LiveCounter.Visitors;

namespace LiveCounter.Standalone.Realtime;

public static class VisitorIdGuard
{
    /// <summary>Refuses a hub connection whose <c>visitorId</c> is present but malformed, with the same 400 problem as the Functions negotiate.</summary>
    public static IApplicationBuilder UseVisitorIdGuard(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (IsHubRequest(context.Request.Path) && context.Request.Query.TryGetValue(VisitorUserIdProvider.QueryKey, out var values))
            {
                var parsed = VisitorId.Parse(values.Count == 1 ? values[0] : null, VisitorUserIdProvider.QueryKey);
                if (!parsed.Succeeded)
                {
                    await ProblemResult.WriteAsync(context.Response, parsed.Problem);
                    return;
                }
            }

            await next(context);
        });

    static bool IsHubRequest(PathString path) =>
        path.StartsWithSegments(CounterHubEndpoints.HubPath, StringComparison.OrdinalIgnoreCase, out var rest)
        && (!rest.HasValue || rest == "/" || rest.Equals("/negotiate", StringComparison.OrdinalIgnoreCase));
}
