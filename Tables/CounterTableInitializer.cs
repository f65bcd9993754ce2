using Microsoft.Extensions.Hosting;

namespace LiveCounter.Tables;

/// <summary>Creates the <c>counters</c> table, if it is missing, once when the worker starts.</summary>
/// <remarks>
/// Once at start-up rather than lazily per request: the hot path stays a single transaction, and a store that cannot
/// be reached at all (Azurite not started, a missing role assignment) stops the worker with a clear error instead of
/// answering every request 503. The Functions host restarts a worker that failed to start, so an outage heals.
/// </remarks>
public sealed class CounterTableInitializer(CounterTable table) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => table.Reads.CreateIfNotExistsAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
