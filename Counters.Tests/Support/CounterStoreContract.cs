using LiveCounter.Storage;
using static LiveCounter.Tests.Support.Batches;
using static LiveCounter.Tests.Support.Requests;

namespace LiveCounter.Tests.Support;

/// <summary>
/// The contract of <see cref="ICounterStore"/>, batch by batch, run against each store (in memory here, on a real
/// Table service in Tables.Tests): both must answer every case the same way.
/// </summary>
/// <remarks>
/// Some cases need two processes over the same data: <see cref="NewStoresAsync"/> gives store objects that share it
/// (one in-memory store twice; two Table stores over one table), each standing for a process.
/// </remarks>
public abstract class CounterStoreContract
{
    protected CancellationToken Ct { get; } = TestContext.Current.CancellationToken;

    /// <summary>A fresh, empty store, as <paramref name="processes"/> processes see it.</summary>
    protected abstract Task<ICounterStore[]> NewStoresAsync(int processes);

    async Task<ICounterStore> NewStoreAsync() => (await NewStoresAsync(1))[0];

    [Fact]
    public async Task A_counter_never_written_reads_as_no_lane_and_zero_and_its_visitors_as_never_seen()
    {
        var store = await NewStoreAsync();

        var read = await store.ReadAsync(Hits, Ct);

        Assert.Empty(read.Lanes);
        Assert.Equal(CounterSnapshot.Initial(Hits), read.Counter);
        Assert.Equal(VisitorTotal.None, (await store.ReadTotalsAsync(Hits, [Alice], Ct))[Alice]);
    }

    [Fact]
    public async Task A_committed_batch_is_what_the_next_read_sees_with_the_tokens_the_commit_answered()
    {
        var store = await NewStoreAsync();

        var committed = Assert.IsType<CommitOutcome.Committed>(
            await store.CommitAsync(On(await store.ReadAsync(Hits, Ct), (3, null, Alice), (2, "k", Bob), (1, null, Alice)), Ct));

        var next = await store.ReadAsync(Hits, Ct);
        var totals = await store.ReadTotalsAsync(Hits, [Alice, Bob], Ct);
        var lane = Assert.Single(next.Lanes);
        Assert.Equal((LaneA, committed.LaneToken), (lane.Id, lane.Token));
        Assert.Equal(new CounterSnapshot(Hits, 6, new CounterVersion(3), At) { Lanes = LaneTallies.None.With(LaneA, new Tally(6, new CounterVersion(3), At)) }, next.Counter);
        Assert.Equal(new VisitorTotal(4, committed.VisitorTokens![Alice]), totals[Alice]);
        Assert.Equal(new VisitorTotal(2, committed.VisitorTokens[Bob]), totals[Bob]);
    }

    [Fact]
    public async Task A_read_sums_every_lane_and_commits_on_other_lanes_never_conflict()
    {
        var (here, elsewhere) = await TwoProcessesAsync();
        var empty = await here.ReadAsync(Hits, Ct);

        var first = await here.CommitAsync(On(empty, [(3, null, null)], LaneA), Ct);
        var second = await elsewhere.CommitAsync(On(empty, [(4, null, null), (5, null, null)], LaneB), Ct);

        Assert.IsType<CommitOutcome.Committed>(first);
        Assert.IsType<CommitOutcome.Committed>(second);
        var read = await here.ReadAsync(Hits, Ct);
        Assert.Equal((12L, new CounterVersion(3)), (read.Counter.Value, read.Counter.Version));
        Assert.Equal([LaneA, LaneB], read.Lanes.Select(lane => lane.Id).OrderBy(id => id.Value));
        Assert.Equal(LaneTallies.None.With(LaneB, new Tally(9, new CounterVersion(2), At)), read.Except(LaneA));
    }

    [Fact]
    public async Task A_batch_on_a_lane_another_process_wrote_since_is_a_lane_conflict_and_writes_nothing()
    {
        var (here, elsewhere) = await TwoProcessesAsync();
        var stale = await here.ReadAsync(Hits, Ct);
        await elsewhere.CommitAsync(On(stale, (1, null, null)), Ct);

        var outcome = await here.CommitAsync(On(stale, (7, "k", Alice)), Ct);

        Assert.Equal(new CommitOutcome.Conflict(ConflictedRow.Lane), outcome);
        Assert.Equal(1, (await here.ReadAsync(Hits, Ct)).Counter.Value);
        Assert.Equal(VisitorTotal.None, (await here.ReadTotalsAsync(Hits, [Alice], Ct))[Alice]);
        Assert.IsType<CommitOutcome.Committed>(await here.CommitAsync(On(await here.ReadAsync(Hits, Ct), (7, "k", Alice)), Ct)); // the refused batch recorded no key
    }

    [Fact]
    public async Task Two_first_writes_racing_on_one_lane_commit_one_and_refuse_the_other_as_a_lane_conflict()
    {
        var (here, elsewhere) = await TwoProcessesAsync();
        var empty = await here.ReadAsync(Hits, Ct);

        var first = await here.CommitAsync(On(empty, (1, null, null)), Ct);
        var second = await elsewhere.CommitAsync(On(empty, (1, null, null)), Ct);

        Assert.IsType<CommitOutcome.Committed>(first);
        Assert.Equal(new CommitOutcome.Conflict(ConflictedRow.Lane), second);
        Assert.Equal(1, (await here.ReadAsync(Hits, Ct)).Counter.Value);
    }

    [Fact]
    public async Task A_visitor_who_incremented_through_another_lane_since_makes_the_batch_a_visitor_conflict_that_writes_nothing()
    {
        var (here, elsewhere) = await TwoProcessesAsync();
        var empty = await here.ReadAsync(Hits, Ct);
        var seen = await here.ReadTotalsAsync(Hits, [Alice], Ct);
        await elsewhere.CommitAsync(On(empty, [(5, null, Alice)], LaneB, seen), Ct);

        var outcome = await here.CommitAsync(On(empty, [(2, "k", Alice)], LaneA, seen), Ct);

        Assert.Equal(new CommitOutcome.Conflict(ConflictedRow.Visitor), outcome);
        Assert.Equal(5, (await here.ReadTotalsAsync(Hits, [Alice], Ct))[Alice].Total);
        Assert.Equal(5, (await here.ReadAsync(Hits, Ct)).Counter.Value);
    }

    [Fact]
    public async Task A_visitor_s_total_is_set_only_while_its_row_has_the_token_the_batch_read()
    {
        var store = await NewStoreAsync();
        await store.CommitAsync(On(await store.ReadAsync(Hits, Ct), (2, null, Alice)), Ct);
        var seen = await store.ReadTotalsAsync(Hits, [Alice], Ct);

        var outcome = await store.CommitAsync(On(await store.ReadAsync(Hits, Ct), [(3, null, Alice)], LaneA, seen), Ct);

        Assert.IsType<CommitOutcome.Committed>(outcome);
        Assert.Equal(5, (await store.ReadTotalsAsync(Hits, [Alice], Ct))[Alice].Total);
    }

    [Fact]
    public async Task A_batch_with_a_key_used_before_names_that_record_and_its_stored_result_and_writes_nothing()
    {
        var store = await NewStoreAsync();
        var first = On(await store.ReadAsync(Hits, Ct), (2, "k", Alice));
        await store.CommitAsync(first, Ct);
        var before = await store.ReadAsync(Hits, Ct);

        var outcome = await store.CommitAsync(On(before, [(1, "other", Alice), (2, "k", Alice)], LaneA, await store.ReadTotalsAsync(Hits, [Alice], Ct)), Ct);

        Assert.Equal(new CommitOutcome.KeyTaken(1, first.Records[0].Result), outcome);
        Assert.Equal(before.Lanes, (await store.ReadAsync(Hits, Ct)).Lanes);
    }

    [Fact]
    public async Task A_key_taken_in_another_lane_is_taken_for_every_lane()
    {
        var (here, elsewhere) = await TwoProcessesAsync();
        var empty = await here.ReadAsync(Hits, Ct);
        var first = On(empty, [(2, "k", null)], LaneA);
        await here.CommitAsync(first, Ct);

        var outcome = await elsewhere.CommitAsync(On(empty, [(2, "k", null)], LaneB), Ct);

        Assert.Equal(new CommitOutcome.KeyTaken(0, first.Records[0].Result), outcome);
        Assert.Equal(2, (await here.ReadAsync(Hits, Ct)).Counter.Value);
    }

    [Fact]
    public async Task Keys_are_scoped_per_visitor_and_per_counter()
    {
        var store = await NewStoreAsync();
        var other = CounterName.Parse("other").Value!;
        await store.CommitAsync(On(await store.ReadAsync(Hits, Ct), (1, "k", Alice)), Ct);

        Assert.IsType<CommitOutcome.Committed>(await store.CommitAsync(On(await store.ReadAsync(Hits, Ct), (1, "k", Bob)), Ct));
        Assert.IsType<CommitOutcome.Committed>(await store.CommitAsync(On(await store.ReadAsync(Hits, Ct), (1, "k", null)), Ct));
        Assert.IsType<CommitOutcome.Committed>(await store.CommitAsync(On(await store.ReadAsync(other, Ct), (1, "k", Alice)), Ct));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("k")]
    public async Task The_same_batch_sent_again_is_recognised_as_committed_and_applied_once(string? key)
    {
        var store = await NewStoreAsync();
        var batch = On(await store.ReadAsync(Hits, Ct), (5, key, Alice));
        await store.CommitAsync(batch, Ct);

        var again = Assert.IsType<CommitOutcome.Committed>(await store.CommitAsync(batch with { SentBefore = true }, Ct));

        var now = await store.ReadAsync(Hits, Ct);
        Assert.Equal(key is null ? now.Lane(LaneA).Token : null, again.LaneToken);
        Assert.Equal((5L, new CounterVersion(1)), (now.Counter.Value, now.Counter.Version));
        Assert.Equal(5, (await store.ReadTotalsAsync(Hits, [Alice], Ct))[Alice].Total);
    }

    [Fact]
    public async Task A_batch_sent_again_after_later_commits_to_its_lane_is_committed_without_the_token_it_no_longer_knows()
    {
        var store = await NewStoreAsync();
        var batch = On(await store.ReadAsync(Hits, Ct), (5, null, null));
        await store.CommitAsync(batch, Ct);
        await store.CommitAsync(On(await store.ReadAsync(Hits, Ct), (1, null, null)), Ct);

        Assert.Equal(new CommitOutcome.Committed(null, null), await store.CommitAsync(batch with { SentBefore = true }, Ct));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("k")]
    public async Task A_batch_sent_again_after_another_process_committed_from_its_base_on_its_lane_is_a_lane_conflict(string? key)
    {
        var (here, elsewhere) = await TwoProcessesAsync();
        var read = await here.ReadAsync(Hits, Ct);
        var lost = On(read, (1, key, Alice));
        await elsewhere.CommitAsync(On(read, (2, null, Bob)), Ct);

        var again = await here.CommitAsync(lost with { SentBefore = true }, Ct);

        Assert.Equal(new CommitOutcome.Conflict(ConflictedRow.Lane), again);
        Assert.Equal(2, (await here.ReadAsync(Hits, Ct)).Counter.Value);
    }

    /// <summary>A lane's commit log remembers 32 commits back: the 32nd is still known, the 33rd not.</summary>
    [Theory]
    [InlineData(31, typeof(CommitOutcome.Committed))]
    [InlineData(32, typeof(CommitOutcome.Unknown))]
    public async Task A_keyless_batch_sent_again_is_recognised_while_its_lane_s_log_still_holds_it(int laterCommits, Type expected)
    {
        var store = await NewStoreAsync();
        var lost = On(await store.ReadAsync(Hits, Ct), (1, null, null));
        await store.CommitAsync(lost, Ct);
        for (var i = 0; i < laterCommits; i++)
        {
            await store.CommitAsync(On(await store.ReadAsync(Hits, Ct), (1, null, null)), Ct);
        }

        Assert.IsType(expected, await store.CommitAsync(lost with { SentBefore = true }, Ct));
    }

    [Theory]
    [InlineData(null, typeof(CommitOutcome.Unknown))]
    [InlineData("k", typeof(CommitOutcome.Conflict))]
    public async Task A_batch_never_applied_and_sent_again_after_more_commits_than_the_log_holds_is_told_by_its_record_or_is_unknown(string? key, Type expected)
    {
        var store = await NewStoreAsync();
        var lost = On(await store.ReadAsync(Hits, Ct), (1, key, null));
        for (var i = 0; i < CommitLog.Capacity + 8; i++)
        {
            await store.CommitAsync(On(await store.ReadAsync(Hits, Ct), (1, null, null)), Ct);
        }

        Assert.IsType(expected, await store.CommitAsync(lost with { SentBefore = true }, Ct));
        Assert.IsType<CommitOutcome.Conflict>(await store.CommitAsync(lost, Ct));
    }

    async Task<(ICounterStore Here, ICounterStore Elsewhere)> TwoProcessesAsync()
    {
        var stores = await NewStoresAsync(2);
        return (stores[0], stores[1]);
    }
}
