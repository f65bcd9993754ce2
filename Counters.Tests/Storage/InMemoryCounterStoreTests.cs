using LiveCounter.Increments;
using LiveCounter.Storage;
using LiveCounter.Tests.Support;
using LiveCounter.Visitors;
using static LiveCounter.Tests.Support.Requests;

namespace LiveCounter.Tests.Storage;

/// <summary>The in-memory store keeps the Table store's semantics: the contract of <see cref="ICounterStore"/>.</summary>
public sealed class InMemoryCounterStoreTests
{
    readonly InMemoryCounterStore _store = new();
    readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_counter_never_written_reads_as_zero_with_no_token_and_no_totals()
    {
        var state = await _store.ReadAsync(Hits, _ct);
        var totals = await _store.ReadTotalsAsync(Hits, [Alice], _ct);

        Assert.Equal(CounterState.Initial(Hits), state);
        Assert.Equal(0, totals[Alice]);
    }

    [Fact]
    public async Task A_committed_batch_is_what_the_next_read_sees_and_its_token_is_the_new_one()
    {
        var committed = await _store.CommitAsync(Batches.On(await _store.ReadAsync(Hits, _ct), (3, null, Alice), (2, "k", Bob), (1, null, Alice)), _ct);

        var next = await _store.ReadAsync(Hits, _ct);
        var totals = await _store.ReadTotalsAsync(Hits, [Alice, Bob], _ct);
        Assert.Equal(new CommitOutcome.Committed(next.Token), committed);
        Assert.Equal((6L, new Version(3)), (next.Counter.Value, next.Counter.Version));
        Assert.Equal((4L, 2L), (totals[Alice], totals[Bob]));
    }

    [Fact]
    public async Task A_batch_on_a_stale_state_is_a_conflict_carrying_the_latest_state_and_writes_nothing()
    {
        var stale = await _store.ReadAsync(Hits, _ct);
        await _store.CommitAsync(Batches.On(stale, (1, null, null)), _ct);

        var outcome = await _store.CommitAsync(Batches.On(stale, (7, "k", Alice)), _ct);

        var now = await _store.ReadAsync(Hits, _ct);
        Assert.IsType<CommitOutcome.Conflict>(outcome);
        Assert.Equal(0, (await _store.ReadTotalsAsync(Hits, [Alice], _ct))[Alice]);
        Assert.IsType<CommitOutcome.Committed>(await _store.CommitAsync(Batches.On(now, (7, "k", Alice)), _ct)); // the refused batch recorded no key
    }

    [Fact]
    public async Task A_racing_first_write_is_a_conflict()
    {
        var empty = await _store.ReadAsync(Hits, _ct);
        await _store.CommitAsync(Batches.On(empty, (1, null, null)), _ct);

        Assert.IsType<CommitOutcome.Conflict>(await _store.CommitAsync(Batches.On(empty, (1, null, null)), _ct));
    }

    [Fact]
    public async Task A_batch_with_a_key_used_before_names_that_record_and_its_stored_result_and_writes_nothing()
    {
        var first = Batches.On(await _store.ReadAsync(Hits, _ct), (2, "k", Alice));
        await _store.CommitAsync(first, _ct);
        var before = await _store.ReadAsync(Hits, _ct);

        var outcome = await _store.CommitAsync(Batches.On(before, (1, "other", Alice), (2, "k", Alice)), _ct);

        Assert.Equal(new CommitOutcome.KeyTaken(1, first.Records[0].Result), outcome);
        Assert.Equal(before, await _store.ReadAsync(Hits, _ct));
    }

    [Fact]
    public async Task Keys_are_scoped_per_visitor_and_per_counter()
    {
        var other = CounterName.Parse("other").Value!;
        await _store.CommitAsync(Batches.On(await _store.ReadAsync(Hits, _ct), (1, "k", Alice)), _ct);

        Assert.IsType<CommitOutcome.Committed>(await _store.CommitAsync(Batches.On(await _store.ReadAsync(Hits, _ct), (1, "k", Bob)), _ct));
        Assert.IsType<CommitOutcome.Committed>(await _store.CommitAsync(Batches.On(await _store.ReadAsync(Hits, _ct), (1, "k", null)), _ct));
        Assert.IsType<CommitOutcome.Committed>(await _store.CommitAsync(Batches.On(await _store.ReadAsync(other, _ct), (1, "k", Alice)), _ct));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("k")]
    public async Task The_same_batch_sent_again_is_recognised_as_committed_and_applied_once(string? key)
    {
        var batch = Batches.On(await _store.ReadAsync(Hits, _ct), (5, key, Alice));
        await _store.CommitAsync(batch, _ct);

        var again = await _store.CommitAsync(batch with { SentBefore = true }, _ct);

        var now = await _store.ReadAsync(Hits, _ct);
        Assert.Equal(new CommitOutcome.Committed(key is null ? now.Token : null), again);
        Assert.Equal((5L, new Version(1)), (now.Counter.Value, now.Counter.Version));
    }

    [Fact]
    public async Task A_batch_sent_again_after_others_committed_is_committed_without_the_token_it_no_longer_knows()
    {
        var batch = Batches.On(await _store.ReadAsync(Hits, _ct), (5, null, null));
        await _store.CommitAsync(batch, _ct);
        await _store.CommitAsync(Batches.On(await _store.ReadAsync(Hits, _ct), (1, null, null)), _ct);

        Assert.Equal(new CommitOutcome.Committed(Token: null), await _store.CommitAsync(batch with { SentBefore = true }, _ct));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("k")]
    public async Task A_batch_sent_again_after_another_process_committed_from_its_base_is_a_conflict(string? key)
    {
        var state = await _store.ReadAsync(Hits, _ct);
        var lost = Batches.On(state, (1, key, Alice));
        await _store.CommitAsync(Batches.On(state, (2, null, Bob)), _ct);

        var again = await _store.CommitAsync(lost with { SentBefore = true }, _ct);

        Assert.IsType<CommitOutcome.Conflict>(again);
        Assert.Equal(2, (await _store.ReadAsync(Hits, _ct)).Counter.Value);
    }

    /// <summary>The commit log remembers 32 commits back, as the Table store's does: the 32nd is still known, the 33rd not.</summary>
    [Theory]
    [InlineData(31, typeof(CommitOutcome.Committed))]
    [InlineData(32, typeof(CommitOutcome.Unknown))]
    public async Task A_keyless_batch_sent_again_is_recognised_while_the_log_still_holds_it(int laterCommits, Type expected)
    {
        var lost = Batches.On(await _store.ReadAsync(Hits, _ct), (1, null, null));
        await _store.CommitAsync(lost, _ct);
        for (var i = 0; i < laterCommits; i++)
        {
            await _store.CommitAsync(Batches.On(await _store.ReadAsync(Hits, _ct), (1, null, null)), _ct);
        }

        Assert.IsType(expected, await _store.CommitAsync(lost with { SentBefore = true }, _ct));
    }

    [Fact]
    public async Task A_batch_never_applied_is_unknown_when_sent_again_and_nothing_can_tell_but_a_conflict_when_sent_once()
    {
        var lost = Batches.On(await _store.ReadAsync(Hits, _ct), (1, null, null));
        for (var i = 0; i < 40; i++)
        {
            await _store.CommitAsync(Batches.On(await _store.ReadAsync(Hits, _ct), (1, null, null)), _ct);
        }

        Assert.IsType<CommitOutcome.Unknown>(await _store.CommitAsync(lost with { SentBefore = true }, _ct));
        Assert.IsType<CommitOutcome.Conflict>(await _store.CommitAsync(lost, _ct));
    }
}
