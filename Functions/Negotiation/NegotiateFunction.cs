using LiveCounter.Api.Http;
using LiveCounter.Api.Negotiation;
using LiveCounter.Api.Routing;
using LiveCounter.Realtime;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace LiveCounter.Functions.Negotiation;

/// <summary>
/// <c>POST /api/negotiate?visitorId={uuid}</c>: where and how to connect to the hub on Azure SignalR Service, as SignalR
/// user = the visitor. The binding resolves <c>{query.visitorId}</c> before this runs (without one the host itself
/// fails the request), so a malformed id is refused here and the token minted for it thrown away.
/// </summary>
public static class NegotiateFunction
{
    [Function("negotiate")]
    public static IResult Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.Negotiate)] HttpRequest request,
        [SignalRConnectionInfoInput(HubName = CounterHubContract.Name, UserId = "{query.visitorId}")] string connectionInfo) =>
        NegotiateRequest.ProblemWith(request) is { } problem
            ? new ProblemResult(problem)
            : TypedResults.Text(connectionInfo, "application/json; charset=utf-8");
}
