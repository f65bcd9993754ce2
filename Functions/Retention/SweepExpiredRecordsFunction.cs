using LiveCounter.Retention;
using Microsoft.Azure.Functions.Worker;

namespace LiveCounter.Functions.Retention;

/// <summary>Hourly, on the hour: deletes the idempotency records older than the retention window (bounded; the next run carries on).</summary>
public sealed class SweepExpiredRecordsFunction(SweepExpiredRecords sweep)
{
    public const string Schedule = "0 0 * * * *";

    [Function("SweepExpiredRecords")]
    public Task RunAsync([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken) => sweep.ExecuteAsync(cancellationToken);
}
