using Azure.Data.Tables;
using LiveCounter.Increments;
using LiveCounter.Metrics;
using LiveCounter.Retention;
using LiveCounter.Tests.Support;
using static LiveCounter.Tests.Support.Requests;

namespace LiveCounter.Tables.Tests;

/// <summary>
/// Expired idempotency records leave the table; counters, totals and young records stay, whatever runs at the same
/// time. The Table service's clock decides, so records get real windows of a second or so, and the tests wait,
/// bounded, for the service's clock (<see cref="ServiceTime"/>) to pass them. The processes' clocks are fakes that stand
/// still (their retry backoffs fire at once, as two processes on one table do conflict): they do not decide.
/// </summary>
public sealed class RetentionOnAzuriteTests(AzuriteFixture azurite)
{
    static readonly TimeSpan Brief = TimeSpan.FromSeconds(1);

    readonly InstantTimeProvider _time = new(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));
    readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    async Task<List<TableEntity>> RowsAsync(CounterTable table, string prefix) =>
        await table.Reads.QueryAsync<TableEntity>(e => e.RowKey.CompareTo(prefix) >= 0 && e.RowKey.CompareTo(prefix + "\uffff") < 0, cancellationToken: _ct).ToListAsync(_ct);

    /// <summary>A process keeping its records for <paramref name="window"/> (a day by default) on its own clock.</summary>
    IncrementCounter Process(TableCounterStore store, TimeSpan? window = null, int salt = 1) => new(
        store, _time, CounterMetrics.Unregistered(), IncrementOptions.Default with { RecordRetention = window ?? RetentionOptions.Default.Window }, new Random(salt));

    SweepExpiredRecords Sweep(CounterTable table, RetentionOptions? options = null, TimeProvider? clock = null) =>
        new(new TableExpiredRecords(table), clock ?? _time, options ?? RetentionOptions.Default, CounterMetrics.Unregistered());

    /// <summary>
    /// 5,000 keyed increments, a hundred at a time, on ten counters, from two processes on one table: one keeping its
    /// records a second, one a day. Once the brief ones are past on the service's clock, one sweep leaves exactly the
    /// day-long records, and nothing else changed.
    /// </summary>
    [Fact]
    public async Task After_increments_with_brief_and_day_long_windows_a_sweep_leaves_only_the_day_long_records_and_the_counters_unchanged()
    {
        var table = await azurite.Azurite.CreateCounterTableAsync(cancellationToken: _ct);
        var store = new TableCounterStore(table);
        IncrementCounter[] processes = [Process(store, Brief, salt: 1), Process(store, salt: 2)];
        for (var round = 0; round < 50; round++)
        {
            var process = processes[round % 2];
            await Task.WhenAll(Enumerable.Range(0, 100).Select(async i =>
            {
                var outcome = await process.ExecuteAsync(Increment(visitor: Visitor(i % 7), key: $"r{round}-{i}", counter: CounterName.Parse($"c{i % 10}").Value), _ct);
                Assert.True(outcome.Succeeded, outcome.Problem?.Detail);
            }));
        }

        await ServiceTime.WaitUntilRecordsAreAsync(table, Brief, _ct);
        var report = await Sweep(table).ExecuteAsync(_ct);

        var records = await RowsAsync(table, RowKeys.RecordPrefix);
        Assert.Equal(new SweepReport(2_500, Finished: true), report);
        Assert.Equal(
            Enumerable.Range(0, 50).Where(round => round % 2 == 1).SelectMany(round => Enumerable.Range(0, 100).Select(i => $"r{round}-{i}")).Order(StringComparer.Ordinal),
            records.Select(record => record.RowKey[(record.RowKey.LastIndexOf(':') + 1)..]).Order(StringComparer.Ordinal));
        var lanes = await RowsAsync(table, RowKeys.LanesFrom);
        Assert.Equal(10, lanes.Select(lane => lane.PartitionKey).Distinct().Count());
        Assert.All(lanes.GroupBy(lane => lane.PartitionKey), counter => Assert.Equal((500L, 500L), (counter.Sum(lane => lane.GetInt64("Value")!.Value), counter.Sum(lane => lane.GetInt64("Version")!.Value))));
        Assert.Equal(5_000, (await RowsAsync(table, "visitor:")).Sum(visitor => visitor.GetInt64("Total")!.Value));
    }

    /// <summary>
    /// Two processes share a table, one keeping records a day, one a second; the other's sweep, once that second has
    /// passed on the service's clock, deletes only the brief record, so the day-long key is still a replay and is not
    /// counted again.
    /// </summary>
    [Fact]
    public async Task A_sweep_deletes_each_record_by_the_window_of_the_process_that_wrote_it()
    {
        var table = await azurite.Azurite.CreateCounterTableAsync(cancellationToken: _ct);
        var store = new TableCounterStore(table);
        var dayLong = Process(store);
        var brief = Process(store, Brief);
        await dayLong.ExecuteAsync(Increment(5, "kept", Alice), _ct);
        await brief.ExecuteAsync(Increment(1, "brief", Bob), _ct);
        await ServiceTime.WaitUntilRecordsAreAsync(table, Brief, _ct);

        var report = await Sweep(table, RetentionOptions.Default with { Window = Brief }).ExecuteAsync(_ct);

        Assert.Equal(new SweepReport(1, Finished: true), report);
        Assert.True((await brief.ExecuteAsync(Increment(5, "kept", Alice), _ct)).Value!.Replayed);
        Assert.Equal(6, (await store.ReadAsync(Hits, _ct)).Counter.Value);
    }

    /// <summary>
    /// The attack of issue 26: a process whose clock runs a day ahead sweeps the table a process with a correct clock
    /// writes to. The correct one's record with a 20-second window is seconds old on the Table service's clock, so it
    /// stays, and a retry of its key is still a replay, counted once.
    /// </summary>
    [Fact]
    public async Task A_sweep_by_a_process_whose_clock_runs_a_day_ahead_leaves_another_process_s_young_record()
    {
        var table = await azurite.Azurite.CreateCounterTableAsync(cancellationToken: _ct);
        var correctClock = new InstantTimeProvider(TimeProvider.System.GetUtcNow());
        var dayAhead = new InstantTimeProvider(correctClock.GetUtcNow() + TimeSpan.FromHours(25));
        var twentySeconds = IncrementOptions.Default with { RecordRetention = TimeSpan.FromSeconds(20) };
        var correct = new IncrementCounter(new TableCounterStore(table), correctClock, CounterMetrics.Unregistered(), twentySeconds, new Random(1));
        var ahead = new IncrementCounter(new TableCounterStore(azurite.Azurite.Open(table)), dayAhead, CounterMetrics.Unregistered(), twentySeconds, new Random(2));
        Assert.False((await correct.ExecuteAsync(Increment(5, "young", Alice), _ct)).Value!.Replayed);
        Assert.False((await ahead.ExecuteAsync(Increment(2, "its-own", Bob), _ct)).Value!.Replayed);

        var report = await Sweep(azurite.Azurite.Open(table), RetentionOptions.Default with { Window = TimeSpan.FromSeconds(20) }, dayAhead).ExecuteAsync(_ct);

        Assert.Equal(new SweepReport(0, Finished: true), report);
        Assert.True((await correct.ExecuteAsync(Increment(5, "young", Alice), _ct)).Value!.Replayed);
        var counter = (await new TableCounterStore(table).ReadAsync(Hits, _ct)).Counter;
        Assert.Equal((7L, 2L), (counter.Value, counter.Version.Value));
    }

    /// <summary>
    /// Records written before records carried their expiry keep the old rule, on the service's clock: the legacy window
    /// (the default day; six seconds here) after the service stored them, whatever their creation time says: one stored
    /// two seconds ago stays. A record with a window of its own is judged by that, however old its creation time.
    /// </summary>
    [Fact]
    public async Task A_record_without_an_expiry_of_its_own_expires_the_legacy_window_after_it_was_written()
    {
        var legacyWindow = TimeSpan.FromSeconds(6);
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
        await table.Reads.AddEntityAsync(Record("old-legacy", TimeSpan.FromHours(25), null), _ct);
        await table.Reads.AddEntityAsync(Record("old-with-two-days", TimeSpan.FromHours(30), TimeSpan.FromDays(2)), _ct);
        await table.Reads.AddEntityAsync(Record("old-with-a-second", TimeSpan.FromHours(30), Brief), _ct);
        await ServiceTime.WaitUntilRecordsAreAsync(table, legacyWindow, _ct);
        await table.Reads.AddEntityAsync(Record("young-legacy", TimeSpan.FromHours(25), null), _ct);
        await ServiceTime.WaitUntilRecordsAreAsync(table, TimeSpan.FromSeconds(2), _ct);

        var report = await new SweepExpiredRecords(new TableExpiredRecords(table, legacyWindow), _time, RetentionOptions.Default, CounterMetrics.Unregistered()).ExecuteAsync(_ct);

        Assert.Equal(new SweepReport(2, Finished: true), report);
        Assert.Equal(["key:anonymous:old-with-two-days", "key:anonymous:young-legacy"], (await RowsAsync(table, RowKeys.RecordPrefix)).Select(r => r.RowKey).Order());
    }

    [Fact]
    public async Task A_sweep_bounded_in_rows_stops_and_the_next_one_carries_on()
    {
        var table = await azurite.Azurite.CreateCounterTableAsync(cancellationToken: _ct);
        var useCase = Process(new TableCounterStore(table), Brief);
        for (var i = 0; i < 30; i++)
        {
            await useCase.ExecuteAsync(Increment(key: $"k{i}", counter: CounterName.Parse($"c{i % 3}").Value), _ct);
        }

        await ServiceTime.WaitUntilRecordsAreAsync(table, Brief, _ct);
        var sweep = Sweep(table, RetentionOptions.Default with { MaxRowsPerSweep = 12 });

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
        var store = new TableCounterStore(table);
        var brief = Process(store, Brief, salt: 1);
        for (var i = 0; i < 300; i++)
        {
            await brief.ExecuteAsync(Increment(key: $"old{i}", visitor: Visitor(i % 4)), _ct);
        }

        await ServiceTime.WaitUntilRecordsAreAsync(table, Brief, _ct);
        var useCase = Process(store, salt: 2);
        var sweeping = Sweep(table, RetentionOptions.Default with { MaxRowsPerSweep = 40 });
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
        Assert.All(records, record => Assert.StartsWith("new", record.RowKey[(record.RowKey.LastIndexOf(':') + 1)..], StringComparison.Ordinal));
        var lanes = await RowsAsync(table, RowKeys.LanesFrom);
        Assert.Equal((500L, 500L), (lanes.Sum(lane => lane.GetInt64("Value")!.Value), lanes.Sum(lane => lane.GetInt64("Version")!.Value)));
        Assert.Equal(500, (await RowsAsync(table, "visitor:")).Sum(visitor => visitor.GetInt64("Total")!.Value));
    }
}
