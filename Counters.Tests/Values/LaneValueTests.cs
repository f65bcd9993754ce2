using LiveCounter.Increments;
using LiveCounter.Storage;

namespace LiveCounter.Tests.Values;

public sealed class CounterVersionTests
{
    [Theory]
    [InlineData(3, 4)]
    [InlineData(0, 1)]
    public void A_lower_version_orders_before_a_higher_one(long lower, long higher)
    {
        CounterVersion a = new(lower), b = new(higher);

        Assert.True(a < b);
        Assert.True(a <= b);
        Assert.False(a > b);
        Assert.False(a >= b);
        Assert.True(b > a);
        Assert.True(b >= a);
        Assert.False(b < a);
        Assert.False(b <= a);
        Assert.True(a.CompareTo(b) < 0);
    }

    [Fact]
    public void Equal_versions_are_neither_lower_nor_higher()
    {
        CounterVersion a = new(7), b = new(7);

        Assert.False(a < b);
        Assert.False(a > b);
        Assert.True(a <= b);
        Assert.True(a >= b);
        Assert.Equal(0, a.CompareTo(b));
    }

    [Fact]
    public void Versions_rise_by_one_and_add_up_across_lanes()
    {
        Assert.Equal(new CounterVersion(8), new CounterVersion(7).Next());
        Assert.Equal(new CounterVersion(12), new CounterVersion(7).Plus(new CounterVersion(5)));
    }

    [Fact]
    public void A_version_that_would_wrap_round_throws_instead()
    {
        Assert.Throws<OverflowException>(() => new CounterVersion(long.MaxValue).Next());
        Assert.Throws<OverflowException>(() => new CounterVersion(long.MaxValue).Plus(new CounterVersion(1)));
    }

    [Fact]
    public void A_version_prints_as_its_number_whatever_the_culture() =>
        Assert.Equal("1234567", new CounterVersion(1_234_567).ToString());
}

public sealed class LaneIdTests
{
    static readonly CounterName Hits = CounterName.Parse("hits").Value!;

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    public void Lanes_are_numbered_from_0_to_31(int value) =>
        Assert.Equal(value, LaneId.Of(value).Value);

    [Theory]
    [InlineData(-1)]
    [InlineData(32)]
    public void There_is_no_other_lane(int value) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => LaneId.Of(value));

    [Fact]
    public void A_lane_prints_as_two_digits() =>
        Assert.Equal("07", LaneId.Of(7).ToString());

    [Fact]
    public void A_salt_starts_on_the_same_lane_in_every_run()
    {
        // FNV-1a of the salt's four bytes and the name's: fixed, so a seeded run can be replayed exactly.
        Assert.Equal(LaneId.Of(Fnv1a(0, "hits")), LaneId.FirstFor(Hits, 0));
        Assert.Equal(LaneId.Of(Fnv1a(12345, "hits")), LaneId.FirstFor(Hits, 12345));
    }

    [Fact]
    public void Salts_spread_processes_over_every_lane()
    {
        var lanes = Enumerable.Range(0, 1000).Select(salt => LaneId.FirstFor(Hits, salt)).ToHashSet();

        Assert.Equal(LaneId.Count, lanes.Count);
    }

    [Fact]
    public void Another_lane_is_never_the_same_one_and_can_be_any_of_the_others()
    {
        var random = new Random(7);
        var from = LaneId.Of(31);

        var others = Enumerable.Range(0, 2000).Select(_ => from.Other(random)).ToHashSet();

        Assert.DoesNotContain(from, others);
        Assert.Equal(LaneId.Count - 1, others.Count);
    }

    static int Fnv1a(int salt, string name)
    {
        var hash = 2166136261u;
        foreach (var octet in BitConverter.GetBytes(salt).Concat(System.Text.Encoding.ASCII.GetBytes(name)))
        {
            hash = (hash ^ octet) * 16777619u;
        }

        return (int)(hash % LaneId.Count);
    }
}

public sealed class TallyTests
{
    static readonly DateTimeOffset Earlier = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
    static readonly DateTimeOffset Later = Earlier.AddMinutes(1);

    [Fact]
    public void An_increment_adds_its_amount_and_one_version_and_stamps_its_time()
    {
        var after = new Tally(10, new CounterVersion(2), Earlier).After(Amount.From(5).Value!, Later);

        Assert.Equal(new Tally(15, new CounterVersion(3), Later), after);
    }

    [Fact]
    public void Lanes_add_up_to_the_counter_updated_when_the_latest_lane_was()
    {
        var mine = new Tally(10, new CounterVersion(2), Later);
        var theirs = new Tally(5, new CounterVersion(4), Earlier);

        Assert.Equal(new Tally(15, new CounterVersion(6), Later), mine.Plus(theirs));
        Assert.Equal(new Tally(15, new CounterVersion(6), Later), theirs.Plus(mine));
    }

    [Fact]
    public void A_lane_never_updated_leaves_the_others_time_alone()
    {
        var updated = new Tally(10, new CounterVersion(2), Earlier);

        Assert.Equal(Earlier, updated.Plus(Tally.Zero).UpdatedAt);
        Assert.Equal(Earlier, Tally.Zero.Plus(updated).UpdatedAt);
        Assert.Null(Tally.Zero.Plus(Tally.Zero).UpdatedAt);
    }

    [Fact]
    public void A_sum_that_would_wrap_round_throws_instead() =>
        Assert.Throws<OverflowException>(() => new Tally(long.MaxValue, new CounterVersion(1), null).Plus(new Tally(1, new CounterVersion(1), null)));

    [Fact]
    public void A_tally_is_the_snapshot_of_its_counter()
    {
        var name = CounterName.Parse("hits").Value!;

        Assert.Equal(new CounterSnapshot(name, 15, new CounterVersion(6), Later), new Tally(15, new CounterVersion(6), Later).Of(name));
    }
}
