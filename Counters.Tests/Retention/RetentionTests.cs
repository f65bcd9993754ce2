using LiveCounter.Increments;
using LiveCounter.Metrics;
using LiveCounter.Retention;
using LiveCounter.Storage;
using LiveCounter.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using static LiveCounter.Tests.Support.Requests;

namespace LiveCounter.Tests.Retention;

/// <summary>Idempotency records expire after the window, in the in-memory store; counters and totals never do.</summary>
public sealed class RetentionTests
{
    static readonly RetentionOptions Day = RetentionOptions.Default;

    readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));
    readonly InMemoryCounterStore _store = new();
    readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    IncrementCounter UseCase() => new(_store, _time, CounterMetrics.Unregistered());

    SweepExpiredRecords Sweep(RetentionOptions? options = null) => new(_store, _time, options ?? Day, CounterMetrics.Unregistered());

    [Fact]
    public async Task A_sweep_deletes_the_records_older_than_the_window_and_keeps_the_rest_and_the_counter()
    {
        var useCase = UseCase();
        await useCase.ExecuteAsync(Increment(2, "old", Alice), _ct);
        _time.Advance(TimeSpan.FromHours(20));
        await useCase.ExecuteAsync(Increment(3, "young", Alice), _ct);
        _time.Advance(TimeSpan.FromHours(5));

        var report = await Sweep().ExecuteAsync(_ct);

        Assert.Equal(new SweepReport(1, Finished: true), report);
        Assert.False((await useCase.ExecuteAsync(Increment(2, "old", Alice), _ct)).Value!.Replayed);
        Assert.True((await useCase.ExecuteAsync(Increment(3, "young", Alice), _ct)).Value!.Replayed);
        Assert.Equal(7, (await _store.ReadAsync(Hits, _ct)).Counter.Value);
        Assert.Equal(7, await _store.TotalOfAsync(Hits, Alice));
    }

    /// <summary>A process whose window is 2 s sweeps a store another process writes with the default day.</summary>
    [Fact]
    public async Task A_sweep_with_a_short_window_leaves_the_records_another_process_wrote_with_a_long_one()
    {
        var useCase = UseCase();
        await useCase.ExecuteAsync(Increment(5, "kept", Alice), _ct);
        _time.Advance(TimeSpan.FromSeconds(5));

        var report = await Sweep(Day with { Window = TimeSpan.FromSeconds(2) }).ExecuteAsync(_ct);

        Assert.Equal(new SweepReport(0, Finished: true), report);
        Assert.True((await useCase.ExecuteAsync(Increment(5, "kept", Alice), _ct)).Value!.Replayed);
        Assert.Equal(5, (await _store.ReadAsync(Hits, _ct)).Counter.Value);
    }

    /// <summary>Two processes with different windows on one store: each record keeps the window of the process that wrote it.</summary>
    [Fact]
    public async Task Each_record_expires_by_the_window_of_the_process_that_wrote_it()
    {
        var dayLong = UseCase();
        var brief = new IncrementCounter(_store, _time, CounterMetrics.Unregistered(), IncrementOptions.Default with { RecordRetention = TimeSpan.FromSeconds(2) }, Random.Shared);
        await dayLong.ExecuteAsync(Increment(5, "kept", Alice), _ct);
        await brief.ExecuteAsync(Increment(1, "brief", Bob), _ct);
        _time.Advance(TimeSpan.FromSeconds(5));

        var report = await Sweep().ExecuteAsync(_ct);

        Assert.Equal(new SweepReport(1, Finished: true), report);
        Assert.True((await dayLong.ExecuteAsync(Increment(5, "kept", Alice), _ct)).Value!.Replayed);
        Assert.False((await brief.ExecuteAsync(Increment(1, "brief", Bob), _ct)).Value!.Replayed);
        Assert.Equal(7, (await _store.ReadAsync(Hits, _ct)).Counter.Value);
    }

    [Fact]
    public async Task A_record_exactly_as_old_as_the_window_is_kept()
    {
        await UseCase().ExecuteAsync(Increment(key: "edge"), _ct);
        _time.Advance(Day.Window);

        Assert.Equal(0, (await Sweep().ExecuteAsync(_ct)).Deleted);
    }

    [Fact]
    public async Task A_sweep_stops_at_its_row_limit_and_the_next_one_carries_on()
    {
        var useCase = UseCase();
        for (var i = 0; i < 25; i++)
        {
            await useCase.ExecuteAsync(Increment(key: $"k{i}", counter: CounterName.Parse($"c{i % 5}").Value), _ct);
        }

        _time.Advance(TimeSpan.FromDays(2));
        var sweep = Sweep(Day with { MaxRowsPerSweep = 10 });

        Assert.Equal(new SweepReport(10, Finished: false), await sweep.ExecuteAsync(_ct));
        Assert.Equal(new SweepReport(10, Finished: false), await sweep.ExecuteAsync(_ct));
        Assert.Equal(new SweepReport(5, Finished: true), await sweep.ExecuteAsync(_ct));
        Assert.Equal(new SweepReport(0, Finished: true), await sweep.ExecuteAsync(_ct));
    }

    [Fact]
    public async Task The_row_limit_holds_across_counters_and_reaching_it_exactly_is_not_called_finished()
    {
        var useCase = UseCase();
        for (var i = 0; i < 10; i++)
        {
            await useCase.ExecuteAsync(Increment(key: $"k{i}", counter: CounterName.Parse($"c{i % 2}").Value), _ct);
        }

        _time.Advance(TimeSpan.FromDays(2));

        Assert.Equal(new SweepReport(7, Finished: false), await Sweep(Day with { MaxRowsPerSweep = 7 }).ExecuteAsync(_ct));
        Assert.Equal(new SweepReport(3, Finished: false), await Sweep(Day with { MaxRowsPerSweep = 3 }).ExecuteAsync(_ct));
        Assert.Equal(new SweepReport(0, Finished: true), await Sweep(Day with { MaxRowsPerSweep = 3 }).ExecuteAsync(_ct));
    }

    [Fact]
    public async Task A_sweep_whose_time_is_up_stops_at_once()
    {
        await UseCase().ExecuteAsync(Increment(key: "k"), _ct);
        _time.Advance(TimeSpan.FromDays(2));
        using var stopped = new CancellationTokenSource();
        await stopped.CancelAsync();

        Assert.Equal(new SweepReport(0, Finished: false), await Sweep().ExecuteAsync(stopped.Token));
        Assert.Equal(new SweepReport(1, Finished: true), await Sweep().ExecuteAsync(_ct));
    }

    [Fact]
    public async Task A_key_used_again_after_its_record_expired_is_a_new_increment_recorded_again()
    {
        var useCase = UseCase();
        await useCase.ExecuteAsync(Increment(key: "again"), _ct);
        _time.Advance(TimeSpan.FromDays(2));
        await Sweep().ExecuteAsync(_ct);
        await useCase.ExecuteAsync(Increment(key: "again"), _ct);

        await Sweep().ExecuteAsync(_ct);

        Assert.True((await useCase.ExecuteAsync(Increment(key: "again"), _ct)).Value!.Replayed);
        Assert.Equal(2, (await _store.ReadAsync(Hits, _ct)).Counter.Value);
    }
}
