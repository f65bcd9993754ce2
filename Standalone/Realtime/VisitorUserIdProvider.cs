using LiveCounter.Api.Negotiation;
using LiveCounter.Visitors;
using Microsoft.AspNetCore.SignalR;

namespace LiveCounter.Standalone.Realtime;

/// <summary>Makes the connection's <c>visitorId</c> query value its SignalR user id, as the Functions negotiate binding does.</summary>
public sealed class VisitorUserIdProvider : IUserIdProvider
{

    public string? GetUserId(HubConnectionContext connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var raw = connection.GetHttpContext()?.Request.Query[NegotiateRequest.VisitorIdParameter];
        return raw is { Count: 1 } && VisitorId.Parse(raw, NegotiateRequest.VisitorIdParameter) is { Succeeded: true } parsed ? parsed.Value.Value : null;
    }
}
