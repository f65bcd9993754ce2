using LiveCounter.Storage;
using LiveCounter.Visitors;

namespace LiveCounter.Tests.Support;

/// <summary>What the tests read back from a store, as they spell it.</summary>
public static class StoreReads
{
    /// <summary>One visitor's total on one counter (0 if they never incremented it).</summary>
    public static async Task<long> TotalOfAsync(this ICounterStore store, CounterName counter, VisitorId visitor)
    {
        ArgumentNullException.ThrowIfNull(store);
        return (await store.ReadTotalsAsync(counter, [visitor], TestContext.Current.CancellationToken))[visitor].Total;
    }
}
