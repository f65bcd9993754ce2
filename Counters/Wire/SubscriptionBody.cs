using System.Text.Json;
using LiveCounter.Problems;
using LiveCounter.Realtime;

namespace LiveCounter.Wire;

/// <summary>The JSON body of a subscription: <c>{ "connectionId": "…" }</c>.</summary>
public static class SubscriptionBody
{
    const string Shape = "The body must be a JSON object with one member, connectionId, a string.";

    public static Outcome<ConnectionId> Parse(ReadOnlySpan<byte> body)
    {
        try
        {
            return ParseObject(ByteOrderMark.Strip(body));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return Problem.BadRequest($"The body is not valid JSON. {Shape}");
        }
    }

    static Outcome<ConnectionId> ParseObject(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 4 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return Problem.BadRequest(Shape);
        }

        string? raw = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!reader.ValueTextEquals("connectionId"u8) || raw is not null)
            {
                return Problem.BadRequest(Shape);
            }

            reader.Read();
            if (reader.TokenType != JsonTokenType.String)
            {
                return Problem.BadRequest(ConnectionId.Rule);
            }

            raw = reader.GetString();
        }

        if (reader.TokenType != JsonTokenType.EndObject || reader.Read() || raw is null)
        {
            return Problem.BadRequest(Shape);
        }

        return ConnectionId.Parse(raw);
    }
}
