using Azure.Data.Tables;
using LiveCounter.Increments;
using LiveCounter.Metrics;
using LiveCounter.Reading;
using LiveCounter.Storage;
using LiveCounter.Tables.Testing;
using LiveCounter.Tests.Support;
using static LiveCounter.Tests.Support.Batches;
using static LiveCounter.Tests.Support.Requests;

namespace LiveCounter.Tables.Tests;

/// <summary>
/// The store's contract (<see cref="ICounterStore"/>, the same cases the in-memory store passes) on a real Table
/// service, and what only the Table store has: its rows, a counter from before lanes, answers lost on the network.
/// </summary>
public sealed class TableStoreTests(AzuriteFixture azurite) : CounterStoreContract
{
    /// <summary>Processes are Table stores of their own (their own clients) over one table.</summary>
    protected override async Task<ICounterStore[]> NewStoresAsync(int processes)
    {
        var table = await azurite.Azurite.CreateCounterTableAsync(cancellationToken: Ct);
        return [.. Enumerable.Range(0, processes).Select(_ => new TableCounterStore(azurite.Azurite.Open(table)))];
    }

    async Task<(TableCounterStore Store, CounterTable Table)> NewStoreAsync()
    {
        var table = await azurite.Azurite.CreateCounterTableAsync(cancellationToken: Ct);
        return (new TableCounterStore(table), table);
    }

    async Task<List<TableEntity>> RowsAsync(CounterTable table) =>
        await table.Reads.QueryAsync<TableEntity>(e => e.PartitionKey == "hits", cancellationToken: Ct).ToListAsync(Ct);

    /// <summary>The rows of the storage design, as any Table Storage client sees them; no visitor id anywhere in them.</summary>
    [Fact]
    public async Task A_commit_writes_its_lane_s_row_its_visitors_rows_and_a_row_per_key()
    {
        var (store, table) = await NewStoreAsync();
        var batch = On(await store.ReadAsync(Hits, Ct), (3, "k-1", Alice), (2, "k-2", null));

        await store.CommitAsync(batch, Ct);

        var rows = await RowsAsync(table);
        var lane = Assert.Single(rows, r => r.RowKey == "lane-03");
        Assert.Equal((5L, 2L, At), (lane.GetInt64("Value"), lane.GetInt64("Version"), lane.GetDateTimeOffset("UpdatedAt")));
        Assert.Equal($"0:{batch.Id}", lane.GetString("Commits"));
        var visitor = Assert.Single(rows, r => r.RowKey.StartsWith("visitor:", StringComparison.Ordinal));
        Assert.Equal(RowKeys.Visitor(Alice), visitor.RowKey);
        Assert.Equal(3L, visitor.GetInt64("Total"));
        var keyed = Assert.Single(rows, r => r.RowKey == RowKeys.Record(new(Alice, IdempotencyKey.Parse("k-1").Value!)));
        Assert.Equal(
            (3L, 1L, 3, 3L, batch.Id.Value, At, At.AddDays(1), "lane-03", 1L),
            (keyed.GetInt64("Value"), keyed.GetInt64("Version"), keyed.GetInt32("By"), keyed.GetInt64("VisitorTotal"), keyed.GetString("CommitId"),
                keyed.GetDateTimeOffset("CreatedAt"), keyed.GetDateTimeOffset("ExpiresAt"), keyed.GetString("Lane"), keyed.GetInt64("LaneVersion")));
        Assert.Equal("""{"lane-03":{"value":3,"version":1}}""", keyed.GetString("Lanes"));
        var anonymous = Assert.Single(rows, r => r.RowKey == "key:anonymous:k-2");
        Assert.Null(anonymous.GetInt64("VisitorTotal"));
        Assert.Equal(2L, anonymous.GetInt64("LaneVersion"));
        Assert.Equal(4, rows.Count);
        Assert.DoesNotContain(rows, r => r.RowKey.Contains(Alice.Value, StringComparison.Ordinal) || ((IDictionary<string, object>)r).Values.Any(v => v?.ToString()?.Contains(Alice.Value, StringComparison.Ordinal) == true));
    }

    /// <summary>A counter from before lanes keeps its count: its <c>state</c> row is read as one more lane, never written again.</summary>
    [Fact]
    public async Task A_counter_from_before_lanes_keeps_its_count_and_its_increments_go_on_in_a_lane_beside_it()
    {
        var (store, table) = await NewStoreAsync();
        await table.Reads.AddEntityAsync(new TableEntity("hits", RowKeys.State) { ["Value"] = 40L, ["Version"] = 12L, ["UpdatedAt"] = At, ["Commits"] = "11:old" }, Ct);
        var useCase = new IncrementCounter(store, new InstantTimeProvider(), CounterMetrics.Unregistered());

        var before = await new GetCounter(store, TimeProvider.System, AnswerDeadline.Default).ExecuteAsync(Hits, Ct);
        var answer = await useCase.ExecuteAsync(Increment(2), Ct);
        var after = await new GetCounter(store, TimeProvider.System, AnswerDeadline.Default).ExecuteAsync(Hits, Ct);

        Assert.Equal((40L, new CounterVersion(12)), (before.Value!.Value, before.Value.Version));
        Assert.Equal((42L, new CounterVersion(13)), (answer.Value!.Result.Counter.Value, answer.Value.Result.Counter.Version));
        Assert.Equal((42L, new CounterVersion(13)), (after.Value!.Value, after.Value.Version));
        var rows = await RowsAsync(table);
        Assert.Equal((40L, 12L), (rows.Single(r => r.RowKey == RowKeys.State).GetInt64("Value"), rows.Single(r => r.RowKey == RowKeys.State).GetInt64("Version")));
        Assert.Equal(1L, Assert.Single(rows, r => r.RowKey.StartsWith(RowKeys.LanesFrom, StringComparison.Ordinal)).GetInt64("Version"));
    }

    [Fact]
    public async Task A_read_of_a_counter_is_one_range_that_holds_its_lanes_and_nothing_else()
    {
        var (store, table) = await NewStoreAsync();
        var empty = await store.ReadAsync(Hits, Ct);
        await store.CommitAsync(On(empty, [(1, "k", Alice)], LaneA), Ct);
        await store.CommitAsync(On(empty, [(2, null, Bob)], LaneB), Ct);
        await table.Reads.AddEntityAsync(new TableEntity("hits", RowKeys.State) { ["Value"] = 4L, ["Version"] = 1L }, Ct);

        var read = await store.ReadAsync(Hits, Ct);

        Assert.Equal([LaneA, LaneB], read.Lanes.Select(lane => lane.Id).OrderBy(id => id.Value));
        Assert.Equal(new Tally(4, new CounterVersion(1), null), read.Legacy);
        Assert.Equal((7L, new CounterVersion(3)), (read.Counter.Value, read.Counter.Version));
    }

    [Fact]
    public async Task A_commit_whose_answer_is_lost_is_read_back_and_answered_as_committed()
    {
        var table = await azurite.Azurite.CreateCounterTableAsync(cancellationToken: Ct);
        await using var proxy = FaultProxy.To(azurite.Azurite.Port);
        var store = new TableCounterStore(azurite.Azurite.Open(table, proxy.Port));
        proxy.LoseAnswers(1, FaultProxy.IsTransaction);

        var outcome = await store.CommitAsync(On(await store.ReadAsync(Hits, Ct), (4, null, Alice)), Ct);

        var now = await store.ReadAsync(Hits, Ct);
        Assert.Equal(1, proxy.AnswersLost);
        Assert.Equal(new CommitOutcome.Committed(now.Lane(LaneA).Token, VisitorTokens: null), outcome);
        Assert.Equal(4, now.Counter.Value);
    }

    [Fact]
    public async Task A_commit_whose_answer_and_read_back_are_both_lost_is_unknown_and_the_same_batch_sent_again_is_committed_once()
    {
        var table = await azurite.Azurite.CreateCounterTableAsync(cancellationToken: Ct);
        await using var proxy = FaultProxy.To(azurite.Azurite.Port);
        var store = new TableCounterStore(azurite.Azurite.Open(table, proxy.Port));
        var batch = On(await store.ReadAsync(Hits, Ct), (4, "k", Alice));
        proxy.LoseAnswers(int.MaxValue, _ => true);

        var outcome = await store.CommitAsync(batch, Ct);

        proxy.LoseAnswers(0, _ => false);
        Assert.IsType<CommitOutcome.Unknown>(outcome);
        Assert.IsType<CommitOutcome.Committed>(await store.CommitAsync(batch with { SentBefore = true }, Ct));
        Assert.Equal(4, (await store.ReadAsync(Hits, Ct)).Counter.Value);
    }

    [Fact]
    public async Task A_store_that_cannot_be_reached_is_unavailable_for_commits_and_reads()
    {
        var table = await azurite.Azurite.CreateCounterTableAsync(cancellationToken: Ct);
        await using var proxy = FaultProxy.To(azurite.Azurite.Port);
        var store = new TableCounterStore(azurite.Azurite.Open(table, proxy.Port));
        var read = await store.ReadAsync(Hits, Ct);
        proxy.GoDark();

        var outcome = await store.CommitAsync(On(read, (1, null, null)), Ct);

        Assert.IsType<CommitOutcome.Unavailable>(outcome);
        await Assert.ThrowsAsync<CounterStoreUnavailableException>(async () => await store.ReadAsync(Hits, Ct));
        proxy.Light();
        Assert.Empty((await store.ReadAsync(Hits, Ct)).Lanes);
    }

    [Fact]
    public async Task A_commit_to_a_table_that_does_not_exist_is_unavailable()
    {
        var store = new TableCounterStore(CounterTable.Connect(azurite.Azurite.ConnectionString(), "missing" + Guid.NewGuid().ToString("N")));

        Assert.IsType<CommitOutcome.Unavailable>(await store.CommitAsync(On(CounterLanes.None(Hits), (1, null, null)), Ct));
    }
}
