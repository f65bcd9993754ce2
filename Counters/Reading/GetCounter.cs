using LiveCounter.Problems;
using LiveCounter.Storage;

namespace LiveCounter.Reading;

/// <summary>Reads one counter; a counter never incremented reads as value 0, version 0.</summary>
public sealed class GetCounter(ICounterStore store)
{
    public async Task<Outcome<CounterSnapshot>> ExecuteAsync(CounterName name, CancellationToken cancellationToken)
    {
        try
        {
            var state = await store.ReadAsync(name, cancellationToken).ConfigureAwait(false);
            return state.Counter;
        }
        catch (CounterStoreUnavailableException)
        {
            return Problem.Unavailable("The counter store is unavailable. Try again shortly.");
        }
    }
}
