using Azure.Data.Tables;
using LiveCounter.Increments;
using LiveCounter.Metrics;
using LiveCounter.Retention;
using Microsoft.Extensions.Time.Testing;
using static LiveCounter.Tests.Support.Requests;

namespace LiveCounter.Tables.Tests;

/// <summary>Expired idempotency records leave the table; counters, totals and young records stay, whatever runs at the same time.</summary>
public sealed class RetentionOnAzuriteTests(AzuriteFixture azurite)
{
    readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));
    readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    async Task<List<TableEntity>> RowsAsync(CounterTable table, string prefix) =>
        await table.Reads.QueryAsync<TableEntity>(e => e.RowKey.CompareTo(prefix) >= 0 && e.RowKey.CompareTo(prefix + "\uffff") < 0, cancellationToken: _ct).ToListAsync(_ct);

    /// <summary>
    /// 5,000 keyed increments, a hundred at a time, spread over two simulated days on ten counters; then one sweep.
    /// Exactly the records of the last day are left, and nothing else changed.
    /// </summary>
    [Fact]
    public async Task After_two_days_of_increments_a_sweep_leaves_only_the_last_day_s_records_and_the_counters_unchanged()
    {
        var table = await azurite.Azurite.CreateCounterTableAsync(cancellationToken: _ct);
        var useCase = new IncrementCounter(new TableCounterStore(table), _time, CounterMetrics.Unregistered());
        var step = TimeSpan.FromHours(48) / 50;
        var start = _time.GetUtcNow();
        for (var round = 0; round < 50; round++)
        {
            await Task.WhenAll(Enumerable.Range(0, 100).Select(async i =>
            {
                var outcome = await useCase.ExecuteAsync(Increment(visitor: Visitor(i % 7), key: $"r{round}-{i}", counter: CounterName.Parse($"c{i % 10}").Value), _ct);
                Assert.True(outcome.Succeeded, outcome.Problem?.Detail);
            }));
            _time.Advance(step);
        }

        var report = await new SweepExpiredRecords(new TableExpiredRecords(table), _time, RetentionOptions.Default, CounterMetrics.Unregistered()).ExecuteAsync(_ct);

        var cutoff = _time.GetUtcNow() - TimeSpan.FromDays(1);
        var youngRounds = Enumerable.Range(0, 50).Count(round => start + (step * round) >= cutoff);
        var records = await RowsAsync(table, RowKeys.RecordPrefix);
        Assert.Equal(100 * youngRounds, records.Count);
        Assert.All(records, record => Assert.True(record.GetDateTimeOffset("CreatedAt") >= cutoff));
        Assert.Equal(new SweepReport(5_000 - (100 * youngRounds), Finished: true), report);
        var lanes = await RowsAsync(table, RowKeys.LanesFrom);
        Assert.Equal(10, lanes.Select(lane => lane.PartitionKey).Distinct().Count());
        Assert.All(lanes.GroupBy(lane => lane.PartitionKey), counter => Assert.Equal((500L, 500L), (counter.Sum(lane => lane.GetInt64("Value")!.Value), counter.Sum(lane => lane.GetInt64("Version")!.Value))));
        Assert.Equal(5_000, (await RowsAsync(table, "visitor:")).Sum(visitor => visitor.GetInt64("Total")!.Value));
    }

    /// <summary>
    /// Two processes share a table, one keeping records a day, one two seconds; the other's sweep five seconds later
    /// deletes only the brief record, so the day-long key is still a replay and is not counted again.
    /// </summary>
    [Fact]
    public async Task A_sweep_deletes_each_record_by_the_window_of_the_process_that_wrote_it()
    {
        var table = await azurite.Azurite.CreateCounterTableAsync(cancellationToken: _ct);
        var store = new TableCounterStore(table);
        var dayLong = new IncrementCounter(store, _time, CounterMetrics.Unregistered());
        var brief = new IncrementCounter(store, _time, CounterMetrics.Unregistered(), IncrementOptions.Default with { RecordRetention = TimeSpan.FromSeconds(2) }, Random.Shared);
        await dayLong.ExecuteAsync(Increment(5, "kept", Alice), _ct);
        await brief.ExecuteAsync(Increment(1, "brief", Bob), _ct);
        _time.Advance(TimeSpan.FromSeconds(5));

        var report = await new SweepExpiredRecords(new TableExpiredRecords(table), _time, RetentionOptions.Default with { Window = TimeSpan.FromSeconds(2) }, CounterMetrics.Unregistered()).ExecuteAsync(_ct);

        Assert.Equal(new SweepReport(1, Finished: true), report);
        Assert.True((await brief.ExecuteAsync(Increment(5, "kept", Alice), _ct)).Value!.Replayed);
        Assert.Equal(6, (await store.ReadAsync(Hits, _ct)).Counter.Value);
    }

    /// <summary>Records written before records carried their expiry keep the old rule: creation plus the default day.</summary>
    [Fact]
    public async Task A_record_without_an_expiry_of_its_own_expires_a_day_after_it_was_written()
    {
        var table = await azurite.Azurite.CreateCounterTableAsync(cancellationToken: _ct);
        var now = _time.GetUtcNow();
        TableEntity Record(string key, TimeSpan age, TimeSpan? window) => new("hits", RowKeys.RecordPrefix + "anonymous:" + key)
        {
            ["Value"] = 1L,
            ["Version"] = 1L,
            ["By"] = 1,
            ["CommitId"] = "legacy",
            ["CreatedAt"] = now - age,
            ["ExpiresAt"] = window is { } w ? now - age + w : null,
        };
        foreach (var record in new[]
        {
            Record("old-legacy", TimeSpan.FromHours(25), null),
            Record("young-legacy", TimeSpan.FromHours(23), null),
            Record("old-with-two-days", TimeSpan.FromHours(30), TimeSpan.FromDays(2)),
        })
        {
            await table.Reads.AddEntityAsync(record, _ct);
        }

        var report = await new SweepExpiredRecords(new TableExpiredRecords(table), _time, RetentionOptions.Default, CounterMetrics.Unregistered()).ExecuteAsync(_ct);

        Assert.Equal(new SweepReport(1, Finished: true), report);
        Assert.Equal(["key:anonymous:old-with-two-days", "key:anonymous:young-legacy"], (await RowsAsync(table, RowKeys.RecordPrefix)).Select(r => r.RowKey).Order());
    }

    [Fact]
    public async Task A_sweep_bounded_in_rows_stops_and_the_next_one_carries_on()
    {
        var table = await azurite.Azurite.CreateCounterTableAsync(cancellationToken: _ct);
        var useCase = new IncrementCounter(new TableCounterStore(table), _time, CounterMetrics.Unregistered());
        for (var i = 0; i < 30; i++)
        {
            await useCase.ExecuteAsync(Increment(key: $"k{i}", counter: CounterName.Parse($"c{i % 3}").Value), _ct);
        }

        _time.Advance(TimeSpan.FromDays(2));
        var sweep = new SweepExpiredRecords(new TableExpiredRecords(table), _time, RetentionOptions.Default with { MaxRowsPerSweep = 12 }, CounterMetrics.Unregistered());

        var reports = new List<SweepReport>();
        for (var run = 0; run < 4; run++)
        {
            reports.Add(await sweep.ExecuteAsync(_ct));
        }

        Assert.Equal([new(12, false), new(12, false), new(6, true), new(0, true)], reports);
    }

    /// <summary>
    /// Writers keep incrementing (each key sent twice, the second a replay) while sweeps delete the expired records of
    /// the same partitions: every increment is counted once, every young record survives, and every replay of a young
    /// key is still answered from its record.
    /// </summary>
    [Fact]
    public async Task A_sweep_racing_live_increments_loses_nothing()
    {
        var table = await azurite.Azurite.CreateCounterTableAsync(cancellationToken: _ct);
        var useCase = new IncrementCounter(new TableCounterStore(table), _time, CounterMetrics.Unregistered());
        for (var i = 0; i < 300; i++)
        {
            await useCase.ExecuteAsync(Increment(key: $"old{i}", visitor: Visitor(i % 4)), _ct);
        }

        _time.Advance(TimeSpan.FromDays(2));
        var sweeping = new SweepExpiredRecords(new TableExpiredRecords(table), _time, RetentionOptions.Default with { MaxRowsPerSweep = 40 }, CounterMetrics.Unregistered());
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++)
            {
                var request = Increment(visitor: Visitor(w % 4), key: $"new{w}-{i}");
                Assert.False((await useCase.ExecuteAsync(request, _ct)).Value!.Replayed);
                Assert.True((await useCase.ExecuteAsync(request, _ct)).Value!.Replayed);
            }
        }, _ct)).ToArray();
        var writing = Task.WhenAll(writers);
        var sweeps = Task.Run(async () =>
        {
            do
            {
                await sweeping.ExecuteAsync(_ct);
            }
            while (!writing.IsCompleted);

            while ((await sweeping.ExecuteAsync(_ct)).Deleted > 0)
            {
            }
        }, _ct);

        await Task.WhenAll(writing, sweeps);

        var records = await RowsAsync(table, RowKeys.RecordPrefix);
        Assert.Equal(200, records.Count);
        var lane = Assert.Single(await RowsAsync(table, RowKeys.LanesFrom));
        Assert.Equal((500L, 500L), (lane.GetInt64("Value")!.Value, lane.GetInt64("Version")!.Value));
        Assert.Equal(500, (await RowsAsync(table, "visitor:")).Sum(visitor => visitor.GetInt64("Total")!.Value));
    }
}
