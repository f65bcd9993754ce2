using LiveCounter.Retention;

namespace LiveCounter.Standalone.Hosting;

/// <summary>
/// Sweeps expired idempotency records while Standalone runs, on either store: every minute, or every half window when
/// the window is shorter. Each sweep is bounded (<see cref="RetentionOptions"/>) and never pauses the store as a whole.
/// </summary>
public sealed partial class RecordSweeps(SweepExpiredRecords sweep, RetentionOptions options, TimeProvider time, ILogger<RecordSweeps> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = options.Window / 2 < TimeSpan.FromMinutes(1) ? options.Window / 2 : TimeSpan.FromMinutes(1);
        using var timer = new PeriodicTimer(every, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var report = await sweep.ExecuteAsync(stoppingToken);
                if (report.Deleted > 0)
                {
                    Swept(logger, report.Deleted, report.Finished);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The store may be away for a while; the next sweep tries again.
                Failed(logger, exception);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Deleted} expired idempotency records (all expired gone: {Finished}).")]
    static partial void Swept(ILogger logger, int deleted, bool finished);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A sweep of expired idempotency records failed; the next one tries again.")]
    static partial void Failed(ILogger logger, Exception exception);
}
