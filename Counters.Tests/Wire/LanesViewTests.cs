using System.Text.Json;
using LiveCounter.Storage;
using LiveCounter.Wire;

namespace LiveCounter.Tests.Wire;

/// <summary>The <c>lanes</c> member of every payload, and the merge a client makes of several payloads.</summary>
public sealed class LanesViewTests
{
    static readonly DateTimeOffset At = new(2026, 12, 7, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Lanes_go_on_the_wire_as_an_object_of_value_and_version_per_lane_and_come_back_equal()
    {
        var lanes = LanesView.From(LaneTallies.None
            .With(LaneId.Of(7), new Tally(12, new CounterVersion(5), At))
            .WithLegacy(new Tally(40, new CounterVersion(12), At)));

        var json = JsonSerializer.Serialize(lanes);

        Assert.Equal("""{"lane-07":{"value":12,"version":5},"state":{"value":40,"version":12}}""", json);
        Assert.Equal(lanes, JsonSerializer.Deserialize<LanesView>(json));
        Assert.Equal(new LaneView(52, 17), lanes.Sum);
    }

    [Fact]
    public void A_counter_never_incremented_has_no_lanes()
    {
        Assert.Equal("{}", JsonSerializer.Serialize(LanesView.From(CounterLanes.None(LiveCounter.Tests.Support.Requests.Hits).Counter.Lanes)));
        Assert.Empty(LaneTallies.None.WithLegacy(Tally.Zero));
    }

    [Fact]
    public void The_merge_keeps_per_lane_the_entry_with_the_higher_version()
    {
        var fromA = LanesView.Of(("lane-01", 3, 3), ("lane-02", 1, 1));
        var fromB = LanesView.Of(("lane-01", 2, 2), ("lane-02", 4, 4));

        Assert.Equal(LanesView.Of(("lane-01", 3, 3), ("lane-02", 4, 4)), fromA.Merge(fromB));
    }

    /// <summary>Any order of the same payloads, with duplicates, merges to the same view: per lane the highest version of all.</summary>
    [Fact]
    public void The_merge_ignores_order_duplicates_and_stale_entries()
    {
        var random = new Random(7);
        var payloads = Enumerable.Range(0, 40).Select(_ => LanesView.Of([.. Enumerable.Range(0, random.Next(1, 5))
            .Select(_ => random.Next(6)).Distinct()
            .Select(lane => { var version = random.Next(1, 50); return ($"lane-{lane:00}", version * 2L, (long)version); })])).ToList();
        var expected = payloads.Aggregate(LanesView.None, (view, payload) => view.Merge(payload));

        for (var run = 0; run < 200; run++)
        {
            var order = payloads.Concat(payloads.Take(random.Next(payloads.Count))).OrderBy(_ => random.Next());
            Assert.Equal(expected, order.Aggregate(LanesView.None, (view, payload) => view.Merge(payload)));
        }

        foreach (var (lane, merged) in expected)
        {
            Assert.Equal(payloads.Where(p => p.ContainsKey(lane)).Max(p => p[lane].Version), merged.Version);
        }
    }

    [Fact]
    public void The_replay_of_a_result_stored_before_results_carried_lanes_answers_without_lanes_rather_than_lanes_that_do_not_add_up()
    {
        var hits = LiveCounter.Tests.Support.Requests.Hits;
        var legacy = new LiveCounter.Increments.IncrementResult(new CounterSnapshot(hits, 7, new CounterVersion(3), At), LiveCounter.Increments.Amount.One, null, null, null);
        var fresh = legacy with { Counter = CounterSnapshot.Of(hits, LaneTallies.None.With(LaneId.Of(2), new Tally(7, new CounterVersion(3), At))) };

        Assert.DoesNotContain("lanes", JsonSerializer.Serialize(IncrementView.From(legacy), JsonSerializerOptions.Web), StringComparison.Ordinal);
        Assert.Contains("\"lanes\":{\"lane-02\":{\"value\":7,\"version\":3}}", JsonSerializer.Serialize(IncrementView.From(fresh), JsonSerializerOptions.Web), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("lane-00", true)]
    [InlineData("lane-31", true)]
    [InlineData("state", true)]
    [InlineData("lane-32", false)]
    [InlineData("lane-7", false)]
    [InlineData("lane-+1", false)]
    [InlineData("visitor:x", false)]
    public void Only_the_thirty_two_lanes_and_the_legacy_row_are_lanes(string name, bool lane)
    {
        Assert.Equal(lane, LaneTallies.IsLaneName(name));
    }
}
