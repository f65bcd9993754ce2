using LiveCounter.Storage;
using static LiveCounter.Tests.Support.Batches;
using static LiveCounter.Tests.Support.Requests;

namespace LiveCounter.Tables.Tests;

/// <summary>A key's row gives back the result it stored, lanes included, so that a replay carries what the first answer carried.</summary>
public sealed class RecordEntityTests
{
    static readonly CounterLanes TwoLanes = new(
        Hits,
        [new LaneRow(LaneB, new Tally(9, new CounterVersion(4), At), "b")],
        new Tally(5, new CounterVersion(2), At));

    static (RecordEntity Row, IncrementRecord Record) Stored()
    {
        var batch = On(TwoLanes, [(3, "k", Alice)]);
        var record = Assert.Single(batch.Records);
        return (RecordEntity.From(record, batch), record);
    }

    [Fact]
    public void A_stored_result_comes_back_with_every_lane_its_commit_saw()
    {
        var (row, record) = Stored();

        var result = row.ToResult(Hits, Alice);

        Assert.Equal(record.Result, result);
        Assert.Equal(
            ["lane-03: 3@1", "lane-17: 9@4", "state: 5@2"],
            result.Counter.Lanes.Select(lane => $"{lane.Key}: {lane.Value.Value}@{lane.Value.Version}"));
        Assert.Equal((17L, new CounterVersion(7)), (result.Counter.Value, result.Counter.Version));
    }

    [Fact]
    public void A_result_stored_before_results_carried_lanes_comes_back_with_none()
    {
        var (row, _) = Stored();
        row.Lanes = null;

        Assert.Same(LaneTallies.None, row.ToResult(Hits, Alice).Counter.Lanes);
    }

    [Theory]
    [InlineData("""{"lane-03":{"value":3,"version":1}}""")]
    [InlineData("""{"lane-03":{"value":3,"version":1},"lane-17":{"value":9,"version":4},"state":{"value":-5,"version":2}}""")]
    [InlineData("""{"lane-03":{"value":3,"version":1},"lane-17":{"value":9,"version":4},"lane-99":{"value":5,"version":2}}""")]
    [InlineData("""{"lane-03":{"value":3,"version":1},"lane-17":{"value":9,"version":4},"state":{"value":5}}""")]
    [InlineData("""{"lane-03":""")]
    public void Stored_lanes_that_are_not_lanes_or_do_not_add_up_to_the_stored_counter_are_refused(string lanes)
    {
        var (row, _) = Stored();
        row.Lanes = lanes;

        Assert.Throws<InvalidOperationException>(() => row.ToResult(Hits, Alice));
    }
}
