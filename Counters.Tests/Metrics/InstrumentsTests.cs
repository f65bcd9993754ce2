using System.Diagnostics.Metrics;
using LiveCounter.Tests.Support;

namespace LiveCounter.Tests.Metrics;

/// <summary>
/// The instruments' names, units and descriptions are what dashboards and alert queries (docs/operations.md) are
/// written against: changing one breaks them silently.
/// </summary>
public sealed class InstrumentsTests
{
    [Fact]
    public void The_meter_publishes_each_instrument_under_its_documented_name_unit_and_description()
    {
        using var recorder = new MetricsRecorder();
        var published = recorder.Instruments;

        Assert.Equal(
            [
                ("livecounter.increments", "{increment}", "Increments applied."),
                ("livecounter.replays", "{increment}", "Increments answered from the result stored under their Idempotency-Key."),
                ("livecounter.commits", "{commit}", "Commits that applied a batch of increments of one counter."),
                ("livecounter.batch.size", "{increment}", "Increments applied by one commit."),
                ("livecounter.commit.duration", "ms", "One try of a commit at the store, by outcome."),
                ("livecounter.conflicts", "{conflict}", "Commits refused because another process changed the lane or a visitor's total first."),
                ("livecounter.lane.moves", "{move}", "Moves of this process to another lane of a counter, after finding another process on its own."),
                ("livecounter.retries", "{retry}", "Commits tried again, by reason: after a conflict, after an answer that was lost, or after the store turned them away for load (busy)."),
                ("livecounter.unavailable", "{increment}", "Increments answered 503, by reason: store, deadline, contended, unconfirmed or busy."),
                ("livecounter.store.full", "{increment}", "Increments answered 507 because the in-memory store is full, by limit: counters, visitors or records."),
                ("livecounter.records.expired", "{record}", "Idempotency records deleted after their retention window."),
                ("livecounter.table.recreated", "{table}", "Times the Table store found the counters table missing and created it again."),
            ],
            published.Select(i => (i.Name, i.Unit, i.Description)));
        Assert.Equal(
            [1, 2, 4, 8, 16, 32, 64, 100],
            published.OfType<Histogram<int>>().Single().Advice?.HistogramBucketBoundaries);
        Assert.Equal(
            [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000],
            published.OfType<Histogram<double>>().Single().Advice?.HistogramBucketBoundaries);
    }

}
