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
        var states = await RowsAsync(table, RowKeys.State);
        Assert.Equal(10, states.Count);
        Assert.All(states, state => Assert.Equal((500L, 500L), (state.GetInt64("Value")!.Value, state.GetInt64("Version")!.Value)));
        Assert.Equal(5_000, (await RowsAsync(table, "visitor:")).Sum(visitor => visitor.GetInt64("Total")!.Value));
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
        var state = Assert.Single(await RowsAsync(table, RowKeys.State));
        Assert.Equal((500L, 500L), (state.GetInt64("Value")!.Value, state.GetInt64("Version")!.Value));
        Assert.Equal(500, (await RowsAsync(table, "visitor:")).Sum(visitor => visitor.GetInt64("Total")!.Value));
    }
}
