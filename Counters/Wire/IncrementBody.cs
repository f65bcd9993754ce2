using System.Text.Json;
using LiveCounter.Increments;
using LiveCounter.Problems;

namespace LiveCounter.Wire;

/// <summary>The optional JSON body of an increment: <c>{ "by": n }</c>.</summary>
/// <remarks>
/// Read by hand rather than bound to a type so that every way a body can be wrong (not an object, unknown or
/// repeated members, a fraction, a string, a huge number) gets its own clear answer instead of a silent default.
/// </remarks>
public static class IncrementBody
{
    const string Shape = "The body must be empty or a JSON object with one member, by, a whole number from 1 to 1000.";

    public static Outcome<Amount> Parse(ReadOnlySpan<byte> body)
    {
        body = ByteOrderMark.Strip(body);
        if (IsBlank(body))
        {
            return Amount.One;
        }

        try
        {
            return ParseObject(body);
        }
        catch (JsonException)
        {
            return Problem.BadRequest($"The body is not valid JSON. {Shape}");
        }
    }

    static Outcome<Amount> ParseObject(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 4 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return Problem.BadRequest(Shape);
        }

        Amount? by = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!reader.ValueTextEquals("by"u8))
            {
                return Problem.BadRequest($"The only member allowed is by. {Shape}");
            }

            if (by is not null)
            {
                return Problem.BadRequest($"by appears more than once. {Shape}");
            }

            reader.Read();
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var value))
            {
                return Problem.BadRequest(Amount.Rule);
            }

            var amount = Amount.From(value);
            if (!amount.Succeeded)
            {
                return amount.Problem;
            }

            by = amount.Value;
        }

        // Reading on past the object makes the reader reject trailing content such as a second document.
        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
        {
            return Problem.BadRequest(Shape);
        }

        return by ?? Amount.One;
    }

    static bool IsBlank(ReadOnlySpan<byte> body) => body.Trim(" \t\r\n"u8).IsEmpty;
}
