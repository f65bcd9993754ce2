using LiveCounter.Storage;
using LiveCounter.Tests.Support;

namespace LiveCounter.Tests.Storage;

/// <summary>The in-memory store keeps the Table store's semantics: the contract of <see cref="ICounterStore"/>, word for word.</summary>
public sealed class InMemoryCounterStoreTests : CounterStoreContract
{
    /// <summary>Processes of one Standalone share its one store object.</summary>
    protected override Task<ICounterStore[]> NewStoresAsync(int processes)
    {
        var store = new InMemoryCounterStore();
        return Task.FromResult(Enumerable.Repeat<ICounterStore>(store, processes).ToArray());
    }
}
