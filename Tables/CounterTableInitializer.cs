using Microsoft.Extensions.Hosting;

namespace LiveCounter.Tables;

/// <summary>Creates the <c>counters</c> table, if it is missing, once when the host starts.</summary>
/// <remarks>
/// Once at start-up rather than lazily per request: the hot path stays a single transaction, and a store that cannot
/// be reached at all (Azurite not started, a missing role assignment) stops the host with a clear error instead of
/// answering every request 503. The Functions host restarts a worker that failed to start, so an outage heals. A table
/// lost later, while the host runs, is created again by the store (<see cref="TableCounterStore"/>).
/// </remarks>
public sealed class CounterTableInitializer(CounterTable table) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await table.Reads.CreateIfNotExistsAsync(cancellationToken);
        }
        catch (Exception exception) when (StoreFailures.IsUnavailable(exception, cancellationToken))
        {
            throw new InvalidOperationException(
                $"The counter table '{table.Reads.Name}' at {table.Reads.Uri.GetLeftPart(UriPartial.Authority)} could not be reached. "
                + $"Is the Table service running (locally: Azurite) and does '{CounterStorage.Setting}' point at it?",
                exception);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
