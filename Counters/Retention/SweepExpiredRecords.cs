using LiveCounter.Metrics;

namespace LiveCounter.Retention;

/// <summary>The retention use case: deletes the idempotency records whose expiry has passed, bounded in rows and time.</summary>
public sealed class SweepExpiredRecords(IExpiredRecords records, TimeProvider time, RetentionOptions options, CounterMetrics metrics)
{
    public async Task<SweepReport> ExecuteAsync(CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var bound = new CancellationTokenSource(options.MaxSweepDuration, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(bound.Token, cancellationToken);
        var report = await records.DeleteAsync(time.GetUtcNow(), options.MaxRowsPerSweep, linked.Token).ConfigureAwait(false);
        metrics.RecordsExpired(report.Deleted);
        return report;
    }
}
