using System.Text.Json;
using LiveCounter.Increments;
using LiveCounter.Problems;

namespace LiveCounter.Wire;

/// <summary>The optional JSON body of an increment: <c>{ "by": n }</c>; without a body, or without <c>by</c>, by is 1.</summary>
public static class IncrementBody
{
    static readonly SingleMemberBody<Amount> Reader = new(
        "by", "The body must be empty or a JSON object with one member, by, a whole number from 1 to 1000.", Amount.One, ReadBy);

    public static ProblemOr<Amount> Parse(ReadOnlySpan<byte> body) => Reader.Parse(body);

    static ProblemOr<Amount> ReadBy(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value) ? Amount.From(value) : Problem.BadRequest(Amount.Rule);
}
