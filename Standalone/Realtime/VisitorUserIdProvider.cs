using LiveCounter.Visitors;
using Microsoft.AspNetCore.SignalR;

namespace LiveCounter.Standalone.Realtime;

/// <summary>Makes the connection's <c>visitorId</c> query value its SignalR user id, as the Functions negotiate binding does.</summary>
public sealed class VisitorUserIdProvider : IUserIdProvider
{
    public const string QueryKey = "visitorId";

    public string? GetUserId(HubConnectionContext connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var raw = connection.GetHttpContext()?.Request.Query[QueryKey];
        return raw is { Count: 1 } && VisitorId.Parse(raw, QueryKey) is { Succeeded: true } parsed ? parsed.Value.Value : null;
    }
}
