using Azure.Data.Tables;
using LiveCounter.Increments;
using LiveCounter.Storage;
using LiveCounter.Tables.Testing;
using LiveCounter.Tests.Support;
using LiveCounter.Visitors;
using static LiveCounter.Tests.Support.Requests;

namespace LiveCounter.Tables.Tests;

/// <summary>The store's contract (<see cref="ICounterStore"/>) on a real Table service, batch by batch.</summary>
public sealed class TableStoreTests(AzuriteFixture azurite)
{
    readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    async Task<(TableCounterStore Store, CounterTable Table)> NewStoreAsync()
    {
        var table = await azurite.Azurite.CreateCounterTableAsync(cancellationToken: _ct);
        return (new TableCounterStore(table), table);
    }

    [Fact]
    public async Task A_counter_never_written_reads_as_zero_with_no_token_and_no_totals()
    {
        var (store, _) = await NewStoreAsync();

        Assert.Equal(CounterState.Initial(Hits), await store.ReadAsync(Hits, _ct));
        Assert.Equal(0, (await store.ReadTotalsAsync(Hits, [Alice], _ct))[Alice]);
    }

    [Fact]
    public async Task A_committed_batch_is_what_the_next_read_sees_and_its_token_is_the_one_the_next_read_gives()
    {
        var (store, _) = await NewStoreAsync();

        var committed = await store.CommitAsync(Batches.On(await store.ReadAsync(Hits, _ct), (3, null, Alice), (2, "k", Bob), (1, null, Alice)), _ct);

        var next = await store.ReadAsync(Hits, _ct);
        var totals = await store.ReadTotalsAsync(Hits, [Alice, Bob], _ct);
        Assert.Equal(new CommitOutcome.Committed(next.Token), committed);
        Assert.Equal(new CounterSnapshot(Hits, 6, new Version(3), Batches.At), next.Counter);
        Assert.Equal((4L, 2L), (totals[Alice], totals[Bob]));
    }

    /// <summary>The rows of design.md, as any Table Storage client sees them; no visitor id anywhere in them.</summary>
    [Fact]
    public async Task A_commit_writes_the_entities_of_the_design()
    {
        var (store, table) = await NewStoreAsync();
        var batch = Batches.On(await store.ReadAsync(Hits, _ct), (3, "k-1", Alice), (2, "k-2", null));

        await store.CommitAsync(batch, _ct);

        var rows = await table.Reads.QueryAsync<TableEntity>(e => e.PartitionKey == "hits", cancellationToken: _ct).ToListAsync(_ct);
        var state = Assert.Single(rows, r => r.RowKey == "state");
        Assert.Equal((5L, 2L, Batches.At), (state.GetInt64("Value"), state.GetInt64("Version"), state.GetDateTimeOffset("UpdatedAt")));
        Assert.Equal($"0:{batch.Id}", state.GetString("Commits"));
        var visitor = Assert.Single(rows, r => r.RowKey.StartsWith("visitor:", StringComparison.Ordinal));
        Assert.Equal(RowKeys.Visitor(Alice), visitor.RowKey);
        Assert.Equal(3L, visitor.GetInt64("Total"));
        var keyed = Assert.Single(rows, r => r.RowKey == RowKeys.Record(Alice, IdempotencyKey.Parse("k-1").Value!));
        Assert.Equal((3L, 1L, 3, 3L, batch.Id.Value, Batches.At), (keyed.GetInt64("Value"), keyed.GetInt64("Version"), keyed.GetInt32("By"), keyed.GetInt64("VisitorTotal"), keyed.GetString("CommitId"), keyed.GetDateTimeOffset("CreatedAt")));
        var anonymous = Assert.Single(rows, r => r.RowKey == "key:anonymous:k-2");
        Assert.Null(anonymous.GetInt64("VisitorTotal"));
        Assert.Equal(4, rows.Count);
        Assert.DoesNotContain(rows, r => r.RowKey.Contains(Alice.Value, StringComparison.Ordinal) || ((IDictionary<string, object>)r).Values.Any(v => v?.ToString()?.Contains(Alice.Value, StringComparison.Ordinal) == true));
    }

    [Fact]
    public async Task A_batch_on_a_stale_state_is_a_conflict_carrying_the_latest_state_and_writes_nothing()
    {
        var (store, _) = await NewStoreAsync();
        var stale = await store.ReadAsync(Hits, _ct);
        await store.CommitAsync(Batches.On(stale, (1, null, null)), _ct);
        var older = await Older(store);

        var refused = await store.CommitAsync(Batches.On(stale, (7, "k", Alice)), _ct);
        var alsoRefused = await store.CommitAsync(Batches.On(older, (7, "k", Alice)), _ct);

        var latest = await store.ReadAsync(Hits, _ct);
        Assert.IsType<CommitOutcome.Conflict>(refused);
        Assert.IsType<CommitOutcome.Conflict>(alsoRefused);
        Assert.Equal(2, latest.Counter.Value);
        Assert.Equal(0, (await store.ReadTotalsAsync(Hits, [Alice], _ct))[Alice]);
        Assert.IsType<CommitOutcome.Committed>(await store.CommitAsync(Batches.On(latest, (7, "k", Alice)), _ct));
    }

    /// <summary>A state one commit behind the latest: read, then moved on by another commit.</summary>
    static async Task<CounterState> Older(TableCounterStore store)
    {
        var older = await store.ReadAsync(Hits, TestContext.Current.CancellationToken);
        await store.CommitAsync(Batches.On(older, (0 + 1, null, null)), TestContext.Current.CancellationToken);
        return older;
    }

    [Fact]
    public async Task Two_first_writes_racing_on_a_new_counter_commit_one_and_refuse_the_other_as_a_conflict()
    {
        var (store, _) = await NewStoreAsync();
        var empty = await store.ReadAsync(Hits, _ct);

        var outcomes = await Task.WhenAll(
            store.CommitAsync(Batches.On(empty, (1, "a", null)), _ct).AsTask(),
            store.CommitAsync(Batches.On(empty, (2, "b", null)), _ct).AsTask());

        Assert.Single(outcomes, o => o is CommitOutcome.Committed);
        Assert.Single(outcomes, o => o is CommitOutcome.Conflict);
        Assert.Equal(new Version(1), (await store.ReadAsync(Hits, _ct)).Counter.Version);
    }

    [Fact]
    public async Task A_batch_with_a_key_used_before_names_that_record_and_its_stored_result_and_writes_nothing()
    {
        var (store, _) = await NewStoreAsync();
        var first = Batches.On(await store.ReadAsync(Hits, _ct), (2, "k", Alice));
        await store.CommitAsync(first, _ct);
        var before = await store.ReadAsync(Hits, _ct);

        var outcome = await store.CommitAsync(Batches.On(before, (1, "fresh", Bob), (1, "other", Alice), (2, "k", Alice)), _ct);

        Assert.Equal(new CommitOutcome.KeyTaken(2, first.Records[0].Result), outcome);
        Assert.Equal(before, await store.ReadAsync(Hits, _ct));
        Assert.Equal(0, (await store.ReadTotalsAsync(Hits, [Bob], _ct))[Bob]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("k")]
    public async Task The_same_batch_sent_again_is_answered_as_committed_and_applied_once(string? key)
    {
        var (store, _) = await NewStoreAsync();
        var batch = Batches.On(await store.ReadAsync(Hits, _ct), (5, key, Alice));
        await store.CommitAsync(batch, _ct);

        var again = await store.CommitAsync(batch with { SentBefore = true }, _ct);

        var now = await store.ReadAsync(Hits, _ct);
        Assert.Equal(new CommitOutcome.Committed(key is null ? now.Token : null), again);
        Assert.Equal((5L, new Version(1)), (now.Counter.Value, now.Counter.Version));
    }

    [Fact]
    public async Task A_batch_sent_again_after_another_commit_is_committed_without_the_token_it_no_longer_knows()
    {
        var (store, _) = await NewStoreAsync();
        var first = Batches.On(await store.ReadAsync(Hits, _ct), (1, null, null));
        await store.CommitAsync(first, _ct);
        await store.CommitAsync(Batches.On(await store.ReadAsync(Hits, _ct), (2, null, null)), _ct);
        await store.CommitAsync(Batches.On(await store.ReadAsync(Hits, _ct), (3, null, null)), _ct);

        Assert.Equal(new CommitOutcome.Committed(Token: null), await store.CommitAsync(first with { SentBefore = true }, _ct));
        Assert.Equal(6, (await store.ReadAsync(Hits, _ct)).Counter.Value);
    }

    /// <summary>Its first send never arrived, and another process committed from the same base: the log names that commit, not this one.</summary>
    [Theory]
    [InlineData(null)]
    [InlineData("k")]
    public async Task A_batch_sent_again_after_another_process_committed_from_its_base_is_a_conflict(string? key)
    {
        var (store, _) = await NewStoreAsync();
        var state = await store.ReadAsync(Hits, _ct);
        var lost = Batches.On(state, (1, key, Alice));
        await store.CommitAsync(Batches.On(state, (2, null, Bob)), _ct);

        var again = await store.CommitAsync(lost with { SentBefore = true }, _ct);

        Assert.IsType<CommitOutcome.Conflict>(again);
        Assert.Equal(2, (await store.ReadAsync(Hits, _ct)).Counter.Value);
    }

    [Fact]
    public async Task A_keyed_batch_never_applied_and_sent_again_after_the_log_moved_on_is_a_conflict()
    {
        var (store, _) = await NewStoreAsync();
        await store.CommitAsync(Batches.On(await store.ReadAsync(Hits, _ct), (1, null, null)), _ct);
        var never = Batches.On(await store.ReadAsync(Hits, _ct), (1, "never", null));
        for (var i = 0; i < CommitLog.Capacity + 1; i++)
        {
            await store.CommitAsync(Batches.On(await store.ReadAsync(Hits, _ct), (1, null, null)), _ct);
        }

        Assert.IsType<CommitOutcome.Conflict>(await store.CommitAsync(never with { SentBefore = true }, _ct));
    }

    [Theory]
    [InlineData(null, typeof(CommitOutcome.Unknown))]
    [InlineData("k", typeof(CommitOutcome.Committed))]
    public async Task A_batch_sent_again_after_more_commits_than_the_log_holds_is_told_by_its_record_or_is_unknown(string? key, Type expected)
    {
        var (store, _) = await NewStoreAsync();
        var lost = Batches.On(await store.ReadAsync(Hits, _ct), (1, key, null));
        await store.CommitAsync(lost, _ct);
        for (var i = 0; i < CommitLog.Capacity + 1; i++)
        {
            await store.CommitAsync(Batches.On(await store.ReadAsync(Hits, _ct), (1, null, null)), _ct);
        }

        var again = await store.CommitAsync(lost with { SentBefore = true }, _ct);

        Assert.IsType(expected, again);
        Assert.Equal(CommitLog.Capacity + 2, (await store.ReadAsync(Hits, _ct)).Counter.Value);
    }

    [Fact]
    public async Task A_commit_whose_answer_is_lost_is_read_back_and_answered_as_committed()
    {
        var table = await azurite.Azurite.CreateCounterTableAsync(cancellationToken: _ct);
        await using var proxy = FaultProxy.To(azurite.Azurite.Port);
        var store = new TableCounterStore(azurite.Azurite.Open(table, proxy.Port));
        proxy.LoseAnswers(1, FaultProxy.IsTransaction);

        var outcome = await store.CommitAsync(Batches.On(await store.ReadAsync(Hits, _ct), (4, null, Alice)), _ct);

        var now = await store.ReadAsync(Hits, _ct);
        Assert.Equal(1, proxy.AnswersLost);
        Assert.Equal(new CommitOutcome.Committed(now.Token), outcome);
        Assert.Equal(4, now.Counter.Value);
    }

    [Fact]
    public async Task A_commit_whose_answer_and_read_back_are_both_lost_is_unknown_and_the_same_batch_sent_again_is_committed_once()
    {
        var table = await azurite.Azurite.CreateCounterTableAsync(cancellationToken: _ct);
        await using var proxy = FaultProxy.To(azurite.Azurite.Port);
        var store = new TableCounterStore(azurite.Azurite.Open(table, proxy.Port));
        var batch = Batches.On(await store.ReadAsync(Hits, _ct), (4, "k", Alice));
        proxy.LoseAnswers(int.MaxValue, _ => true);

        var outcome = await store.CommitAsync(batch, _ct);

        proxy.LoseAnswers(0, _ => false);
        Assert.IsType<CommitOutcome.Unknown>(outcome);
        Assert.IsType<CommitOutcome.Committed>(await store.CommitAsync(batch with { SentBefore = true }, _ct));
        Assert.Equal(4, (await store.ReadAsync(Hits, _ct)).Counter.Value);
    }

    [Fact]
    public async Task A_store_that_cannot_be_reached_is_unavailable_for_commits_and_reads()
    {
        var table = await azurite.Azurite.CreateCounterTableAsync(cancellationToken: _ct);
        await using var proxy = FaultProxy.To(azurite.Azurite.Port);
        var store = new TableCounterStore(azurite.Azurite.Open(table, proxy.Port));
        var state = await store.ReadAsync(Hits, _ct);
        proxy.GoDark();

        var outcome = await store.CommitAsync(Batches.On(state, (1, null, null)), _ct);

        Assert.IsType<CommitOutcome.Unavailable>(outcome);
        await Assert.ThrowsAsync<CounterStoreUnavailableException>(async () => await store.ReadAsync(Hits, _ct));
        proxy.Light();
        Assert.Equal(CounterState.Initial(Hits), await store.ReadAsync(Hits, _ct));
    }

    [Fact]
    public async Task A_commit_to_a_table_that_does_not_exist_is_unavailable()
    {
        var store = new TableCounterStore(CounterTable.Connect(azurite.Azurite.ConnectionString(), "missing" + Guid.NewGuid().ToString("N")));

        Assert.IsType<CommitOutcome.Unavailable>(await store.CommitAsync(Batches.On(CounterState.Initial(Hits), (1, null, null)), _ct));
    }
}
