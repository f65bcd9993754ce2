using System.Net;
using System.Text;
using LiveCounter.Functions.Http;
using LiveCounter.Realtime;
using LiveCounter.Visitors;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Logging;

namespace LiveCounter.Functions.Negotiation;

/// <summary>
/// <c>POST /api/negotiate?visitorId={uuid}</c>: where and how a client connects to the <c>counter</c> hub of Azure
/// SignalR Service, as SignalR user = its visitor id, so <c>incrementApplied</c> reaches all of its connections.
/// </summary>
/// <remarks>
/// The binding resolves <c>{query.visitorId}</c> before this code runs, so the id is validated afterwards and a
/// malformed one answers 400 while the token minted for it is thrown away. The host cannot resolve the expression
/// when the query has no <c>visitorId</c> at all and fails such a request itself; the pages always send one.
/// </remarks>
public sealed class NegotiateFunction(ILogger<NegotiateFunction> logger)
{
    public const string Name = "negotiate";

    public const string VisitorIdParameter = "visitorId";

    [Function(Name)]
    public async Task<HttpResponseData> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "negotiate")] HttpRequestData request,
        [SignalRConnectionInfoInput(HubName = CounterHubContract.Name, UserId = "{query.visitorId}")] string connectionInfo,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            var visitor = VisitorId.Parse(request.Query[VisitorIdParameter], VisitorIdParameter);
            if (!visitor.Succeeded)
            {
                return await ApiResponses.ProblemAsync(request, visitor.Problem, cancellationToken);
            }

            // The binding's value already is the camelCase { "url", "accessToken" } the SignalR client expects.
            var response = request.CreateResponse(HttpStatusCode.OK);
            response.Headers.Add("Content-Type", ApiResponses.JsonContentType);
            await response.Body.WriteAsync(Encoding.UTF8.GetBytes(connectionInfo), cancellationToken);
            return response;
        }
        catch (Exception exception) when (ApiResponses.IsUnexpected(exception, cancellationToken))
        {
            return await ApiResponses.InternalErrorAsync(request, logger, Name, exception);
        }
    }
}
