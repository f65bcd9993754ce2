using System.Text.Json;
using LiveCounter.Problems;
using LiveCounter.Realtime;

namespace LiveCounter.Wire;

/// <summary>The JSON body of a subscription: <c>{ "connectionId": "…" }</c>.</summary>
public static class SubscriptionBody
{
    static readonly SingleMemberBody<ConnectionId> Reader = new(
        "connectionId", "The body must be a JSON object with one member, connectionId, a string.", whenAbsent: null, ReadConnectionId);

    public static ProblemOr<ConnectionId> Parse(ReadOnlySpan<byte> body) => Reader.Parse(body);

    static ProblemOr<ConnectionId> ReadConnectionId(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.String ? ConnectionId.Parse(reader.GetString()) : Problem.BadRequest(ConnectionId.Rule);
}
