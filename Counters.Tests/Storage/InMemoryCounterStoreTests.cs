using LiveCounter.Increments;
using LiveCounter.Storage;
using LiveCounter.Visitors;

namespace LiveCounter.Tests.Storage;

public sealed class InMemoryCounterStoreTests
{
    static readonly CounterName Hits = CounterName.Parse("hits").Value!;
    static readonly VisitorId Alice = VisitorId.Parse("3f2c9a1e-5d4b-4c3a-9b2a-1e0f9d8c7b6a", "test").Value!;
    static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    readonly InMemoryCounterStore _store = new();
    readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    static PendingIncrement After(CounterState state, int by = 1, string? key = null, VisitorId? visitor = null) => new(
        state.ConcurrencyToken,
        key is null ? null : IdempotencyKey.Parse(key).Value,
        new IncrementResult(state.Counter.After(Amount.From(by).Value!, Now), Amount.From(by).Value!, visitor, visitor is null ? null : state.VisitorTotal + by));

    [Fact]
    public async Task A_counter_never_written_reads_as_zero_with_no_token()
    {
        var state = await _store.ReadAsync(Hits, Alice, _ct);

        Assert.Equal(CounterSnapshot.Initial(Hits), state.Counter);
        Assert.Null(state.ConcurrencyToken);
        Assert.Equal(0, state.VisitorTotal);
    }

    [Fact]
    public async Task An_applied_commit_is_what_the_next_read_sees()
    {
        var state = await _store.ReadAsync(Hits, Alice, _ct);

        Assert.Equal(CommitOutcome.Applied, await _store.CommitAsync(After(state, by: 3, visitor: Alice), _ct));

        var next = await _store.ReadAsync(Hits, Alice, _ct);
        Assert.Equal((3L, new Version(1), 3L), (next.Counter.Value, next.Counter.Version, next.VisitorTotal));
        Assert.NotNull(next.ConcurrencyToken);
    }

    [Fact]
    public async Task A_commit_from_a_stale_read_is_a_conflict_and_writes_nothing()
    {
        var stale = await _store.ReadAsync(Hits, null, _ct);
        await _store.CommitAsync(After(stale), _ct);

        Assert.Equal(CommitOutcome.Conflict, await _store.CommitAsync(After(stale, by: 7, key: "k", visitor: Alice), _ct));

        var now = await _store.ReadAsync(Hits, Alice, _ct);
        Assert.Equal((1L, 0L), (now.Counter.Value, now.VisitorTotal));
        var retried = await _store.CommitAsync(After(now, by: 7, key: "k", visitor: Alice), _ct);
        Assert.Equal(CommitOutcome.Applied, retried); // the conflicting attempt recorded no key
    }

    [Fact]
    public async Task A_racing_first_write_is_a_conflict()
    {
        var empty = await _store.ReadAsync(Hits, null, _ct);
        await _store.CommitAsync(After(empty), _ct);

        Assert.Equal(CommitOutcome.Conflict, await _store.CommitAsync(After(empty), _ct));
    }

    [Fact]
    public async Task A_key_used_before_returns_the_recorded_result_and_writes_nothing()
    {
        var first = After(await _store.ReadAsync(Hits, Alice, _ct), by: 2, key: "k", visitor: Alice);
        await _store.CommitAsync(first, _ct);

        var again = After(await _store.ReadAsync(Hits, Alice, _ct), by: 2, key: "k", visitor: Alice);
        var outcome = await _store.CommitAsync(again, _ct);

        Assert.Equal(first.Result, Assert.IsType<CommitOutcome.AlreadyRecorded>(outcome).Recorded);
        Assert.Equal(2, (await _store.ReadAsync(Hits, Alice, _ct)).Counter.Value);
    }

    [Fact]
    public async Task Keys_are_scoped_per_visitor_and_per_counter()
    {
        var bob = VisitorId.Parse("01890a5d-ac96-774b-bcce-b302099a8057", "test").Value!;
        var other = CounterName.Parse("other").Value!;

        await _store.CommitAsync(After(await _store.ReadAsync(Hits, Alice, _ct), key: "k", visitor: Alice), _ct);

        Assert.Equal(CommitOutcome.Applied, await _store.CommitAsync(After(await _store.ReadAsync(Hits, bob, _ct), key: "k", visitor: bob), _ct));
        Assert.Equal(CommitOutcome.Applied, await _store.CommitAsync(After(await _store.ReadAsync(Hits, null, _ct), key: "k"), _ct));
        Assert.Equal(CommitOutcome.Applied, await _store.CommitAsync(After(await _store.ReadAsync(other, Alice, _ct), key: "k", visitor: Alice), _ct));
    }
}
