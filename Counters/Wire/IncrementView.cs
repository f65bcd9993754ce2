using System.Text.Json.Serialization;
using LiveCounter.Increments;

namespace LiveCounter.Wire;

/// <summary>The body of a successful <c>POST /api/counters/{name}/increment</c>.</summary>
public sealed record IncrementView(
    string Name,
    long Value,
    long Version,
    DateTimeOffset? UpdatedAt,
    LanesView Lanes,
    int By,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? YourTotal)
{
    public static IncrementView From(AppliedIncrement result) => new(
        result.Counter.Name.Value,
        result.Counter.Value,
        result.Counter.Version.Value,
        result.Counter.UpdatedAt,
        LanesView.From(result.Counter.Lanes),
        result.By.Value,
        result.VisitorTotal);
}
