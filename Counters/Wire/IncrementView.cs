using System.Text.Json.Serialization;
using LiveCounter.Increments;

namespace LiveCounter.Wire;

/// <summary>The body of a successful <c>POST /api/counters/{name}/increment</c>.</summary>
/// <param name="Lanes">
/// Absent only from the replay of a result stored before results carried their lanes: clients then take the sums as
/// one lane of unknown make-up, as from a server that sends no lanes.
/// </param>
public sealed record IncrementView(
    string Name,
    long Value,
    long Version,
    DateTimeOffset? UpdatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] LanesView? Lanes,
    int By,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? YourTotal)
{
    public static IncrementView From(IncrementResult result) => new(
        result.Counter.Name.Value,
        result.Counter.Value,
        result.Counter.Version.Value,
        result.Counter.UpdatedAt,
        result.Counter.Lanes.Count == 0 && result.Counter.Version > CounterVersion.None ? null : LanesView.From(result.Counter.Lanes),
        result.By.Value,
        result.VisitorTotal);
}
