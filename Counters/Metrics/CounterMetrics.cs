using System.Diagnostics.Metrics;
using LiveCounter.Storage;

namespace LiveCounter.Metrics;

/// <summary>
/// The meter <c>LiveCounter</c>: what the increment use case does, per commit and per increment, and what the store
/// had to repair on its way (a table created again). Both hosts export it
/// (<c>dotnet-counters monitor -n LiveCounter.Standalone --counters LiveCounter</c>, Application Insights in Azure).
/// Each method is named for the instrument it records.
/// </summary>
public sealed class CounterMetrics
{
    public const string MeterName = "LiveCounter";

    readonly Counter<long> _increments;
    readonly Counter<long> _replays;
    readonly Counter<long> _commits;
    readonly Histogram<int> _batchSize;
    readonly Histogram<double> _commitDuration;
    readonly Counter<long> _conflicts;
    readonly Counter<long> _laneMoves;
    readonly Counter<long> _retries;
    readonly Counter<long> _unavailable;
    readonly Counter<long> _storeFull;
    readonly Counter<long> _expired;
    readonly Counter<long> _tableRecreated;

    public CounterMetrics(IMeterFactory meterFactory)
        : this(meterFactory?.Create(MeterName) ?? throw new ArgumentNullException(nameof(meterFactory)))
    {
    }

    CounterMetrics(Meter meter)
    {
        _increments = meter.CreateCounter<long>("livecounter.increments", "{increment}", "Increments applied.");
        _replays = meter.CreateCounter<long>("livecounter.replays", "{increment}", "Increments answered from the result stored under their Idempotency-Key.");
        _commits = meter.CreateCounter<long>("livecounter.commits", "{commit}", "Commits that applied a batch of increments of one counter.");
        _batchSize = meter.CreateHistogram(
            "livecounter.batch.size",
            "{increment}",
            "Increments applied by one commit.",
            tags: null,
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 100] });
        _commitDuration = meter.CreateHistogram(
            "livecounter.commit.duration",
            "ms",
            "One try of a commit at the store, by outcome.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000] });
        _conflicts = meter.CreateCounter<long>("livecounter.conflicts", "{conflict}", "Commits refused because another process changed the lane or a visitor's total first.");
        _laneMoves = meter.CreateCounter<long>("livecounter.lane.moves", "{move}", "Moves of this process to another lane of a counter, after finding another process on its own.");
        _retries = meter.CreateCounter<long>("livecounter.retries", "{retry}", "Commits tried again, by reason: after a conflict, after an answer that was lost, or after the store turned them away for load (busy).");
        _unavailable = meter.CreateCounter<long>("livecounter.unavailable", "{increment}", "Increments answered 503, by reason: store, deadline, contended, unconfirmed or busy.");
        _storeFull = meter.CreateCounter<long>("livecounter.store.full", "{increment}", "Increments answered 507 because the in-memory store is full, by limit: counters, visitors or records.");
        _expired = meter.CreateCounter<long>("livecounter.records.expired", "{record}", "Idempotency records deleted after their retention window.");
        _tableRecreated = meter.CreateCounter<long>("livecounter.table.recreated", "{table}", "Times the Table store found the counters table missing and created it again.");
    }

    /// <summary>A meter of its own, for a use case built without dependency injection.</summary>
    public static CounterMetrics Unregistered() => new(new Meter(MeterName));

    /// <summary><c>livecounter.commits</c>, <c>livecounter.increments</c> and <c>livecounter.batch.size</c>: one commit of this many increments.</summary>
    internal void Commit(long increments)
    {
        _commits.Add(1);
        _increments.Add(increments);
        _batchSize.Record((int)increments);
    }

    internal void CommitDuration(string outcome, TimeSpan duration) =>
        _commitDuration.Record(duration.TotalMilliseconds, new KeyValuePair<string, object?>("outcome", outcome));

    internal void Conflict() => _conflicts.Add(1);

    internal void LaneMove() => _laneMoves.Add(1);

    internal void Retry(string reason) => _retries.Add(1, new KeyValuePair<string, object?>("reason", reason));

    internal void Replay() => _replays.Add(1);

    internal void RecordsExpired(int records) => _expired.Add(records);

    internal void Unavailable(string reason, int increments) => _unavailable.Add(increments, new KeyValuePair<string, object?>("reason", reason));

    /// <summary><c>livecounter.table.recreated</c>: the store found its table missing and created it again. Public, as the Table store records it.</summary>
    public void TableRecreated() => _tableRecreated.Add(1);

    internal void StoreFull(StoreLimit limit, int increments) =>
        _storeFull.Add(increments, new KeyValuePair<string, object?>("limit", limit.ToString().ToLowerInvariant()));
}
