using LiveCounter.Api.Http;
using LiveCounter.Reading;
using LiveCounter.Wire;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LiveCounter.Api.Reading;

/// <summary><c>GET /api/counters/{name}</c>: a counter as it is now (value 0, version 0 if never incremented).</summary>
public static class ReadCounterHandler
{
    public static readonly int[] Problems = [StatusCodes.Status400BadRequest, StatusCodes.Status503ServiceUnavailable];

    public static async Task<Results<Ok<CounterView>, ProblemResult>> HandleAsync(string name, GetCounter getCounter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(getCounter);
        var counter = CounterName.Parse(name);
        if (!counter.Succeeded)
        {
            return new ProblemResult(counter.Problem);
        }

        var read = await getCounter.ExecuteAsync(counter.Value, cancellationToken);
        return read.Succeeded ? TypedResults.Ok(CounterView.From(read.Value)) : new ProblemResult(read.Problem);
    }
}
