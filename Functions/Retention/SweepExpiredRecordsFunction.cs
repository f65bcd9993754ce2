using LiveCounter.Retention;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace LiveCounter.Functions.Retention;

/// <summary>Hourly, on the hour: deletes the idempotency records whose own expiry has passed, whichever process wrote them (bounded; the next run carries on).</summary>
public sealed partial class SweepExpiredRecordsFunction(SweepExpiredRecords sweep, ILogger<SweepExpiredRecordsFunction> logger)
{
    public const string Schedule = "0 0 * * * *";

    [Function("SweepExpiredRecords")]
    public async Task RunAsync([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken)
    {
        var report = await sweep.ExecuteAsync(cancellationToken);
        Swept(logger, report.Deleted, report.Finished);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Deleted} expired idempotency records (all expired gone: {Finished}).")]
    static partial void Swept(ILogger logger, int deleted, bool finished);
}
