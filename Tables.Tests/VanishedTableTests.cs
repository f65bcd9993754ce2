using System.Diagnostics;
using LiveCounter.Increments;
using LiveCounter.Storage;
using LiveCounter.Tables.Testing;
using LiveCounter.Tests.Support;
using static LiveCounter.Tests.Support.Requests;

namespace LiveCounter.Tables.Tests;

/// <summary>
/// A table that disappears under running processes (in-memory Azurite restarted, README's local setup, or the table
/// deleted) is created again by the next increment or read, within its deadline, instead of every request being
/// answered 503 until the process restarts.
/// </summary>
public sealed class VanishedTableTests(AzuriteFixture azurite) : IDisposable
{
    readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    readonly MetricsRecorder _recorder = new();

    /// <summary>An Azurite of this test's own: restarting the run's shared one would pull the tables from under every other test.</summary>
    [Fact]
    public async Task After_Azurite_restarts_empty_under_a_running_store_the_next_increment_succeeds_within_its_deadline()
    {
        await using var own = await Azurite.StartAsync(_ct);
        var table = await own.CreateCounterTableAsync(cancellationToken: _ct);
        var useCase = new IncrementCounter(new TableCounterStore(table, _recorder.Metrics), TimeProvider.System, _recorder.Metrics, IncrementOptions.Default, new Random(1));
        Assert.True((await useCase.ExecuteAsync(Increment(3, "before", Alice), _ct)).Succeeded);

        await own.RestartAsync(_ct);
        var restarted = Stopwatch.StartNew();
        var after = await useCase.ExecuteAsync(Increment(2, "after", Alice), _ct);

        Assert.True(after.Succeeded, after.Problem?.Detail);
        Assert.InRange(restarted.Elapsed, TimeSpan.Zero, AnswerDeadline.Default.Within);
        Assert.Equal((2L, 1L, 2L), (after.Value!.Result.Counter.Value, after.Value.Result.Counter.Version.Value, after.Value.Result.VisitorTotal));
        var counter = (await new TableCounterStore(own.Open(table)).ReadAsync(Hits, _ct)).Counter;
        Assert.Equal((2L, 1L), (counter.Value, counter.Version.Value));
        Assert.True((await useCase.ExecuteAsync(Increment(2, "after", Alice), _ct)).Value!.Replayed);
        Assert.Equal(1, _recorder.Sum("livecounter.table.recreated"));
    }

    [Fact]
    public async Task A_read_that_finds_the_table_deleted_creates_it_again_and_reads_the_counter_empty()
    {
        var table = await azurite.Azurite.CreateCounterTableAsync(cancellationToken: _ct);
        var store = new TableCounterStore(table, _recorder.Metrics);
        await store.CommitAsync(Batches.On(await store.ReadAsync(Hits, _ct), (1, null, null)), _ct);
        await table.Reads.DeleteAsync(_ct);

        var lanes = await store.ReadAsync(Hits, _ct);

        Assert.Equal((0L, 0L), (lanes.Counter.Value, lanes.Counter.Version.Value));
        Assert.IsType<CommitOutcome.Committed>(await store.CommitAsync(Batches.On(lanes, (4, null, null)), _ct));
        Assert.Equal(4, (await store.ReadAsync(Hits, _ct)).Counter.Value);
        Assert.Equal(1, _recorder.Sum("livecounter.table.recreated"));
    }

    /// <summary>Many commits find the table missing at once: each goes again once it is back, and it is counted as created once.</summary>
    [Fact]
    public async Task Commits_that_find_the_table_deleted_at_once_all_land_and_it_is_created_once()
    {
        var table = await azurite.Azurite.CreateCounterTableAsync(cancellationToken: _ct);
        await table.Reads.DeleteAsync(_ct);
        var names = Enumerable.Range(0, 8).Select(i => CounterName.Parse($"c{i}").Value!).ToArray();
        var store = new TableCounterStore(table, _recorder.Metrics);

        var outcomes = await Task.WhenAll(names.Select(async name => await store.CommitAsync(Batches.On(CounterLanes.None(name), (1, null, null)), _ct)));

        Assert.All(outcomes, outcome => Assert.IsType<CommitOutcome.Committed>(outcome));
        Assert.Equal(1, _recorder.Sum("livecounter.table.recreated"));
    }

    public void Dispose() => _recorder.Dispose();
}
