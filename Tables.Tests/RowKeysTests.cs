using LiveCounter.Increments;
using LiveCounter.Storage;
using LiveCounter.Tables;
using Xunit;

namespace LiveCounter.Tables.Tests;

public sealed class RowKeysTests
{
    static readonly IdempotencyKey Key = IdempotencyKey.Parse("k-1").Value!;

    [Fact]
    public void A_visitor_s_rows_are_keyed_by_a_hash_so_the_id_never_reaches_the_service()
    {
        var visitorRow = RowKeys.Visitor(TestVisitors.Alice);
        var recordRow = RowKeys.Record(new(TestVisitors.Alice, Key));

        Assert.DoesNotContain(TestVisitors.AliceId, visitorRow, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(TestVisitors.AliceId, recordRow, StringComparison.OrdinalIgnoreCase);
        Assert.Matches("^visitor:[0-9a-f]{64}$", visitorRow);
        Assert.Matches("^key:[0-9a-f]{64}:k-1$", recordRow);
    }

    [Fact]
    public void An_idempotency_key_is_scoped_to_its_visitor_or_to_anonymous()
    {
        Assert.Equal("key:anonymous:k-1", RowKeys.Record(new(null, Key)));
        Assert.NotEqual(RowKeys.Record(new(TestVisitors.Alice, Key)), RowKeys.Record(new(TestVisitors.Bob, Key)));
        Assert.Equal(RowKeys.Record(new(TestVisitors.Alice, Key)), RowKeys.Record(new(TestVisitors.Alice, Key)));
    }

    [Fact]
    public void Every_row_key_avoids_the_characters_table_storage_forbids()
    {
        foreach (var key in new[] { RowKeys.State, RowKeys.Lane(LaneId.Of(0)), RowKeys.Visitor(TestVisitors.Alice), RowKeys.Record(new(null, Key)), RowKeys.Record(new(TestVisitors.Bob, Key)) })
        {
            Assert.DoesNotMatch(@"[/\\#?\x00-\x1F\x7F-\x9F]", key);
        }
    }

    /// <summary>The counter's rows are one range: every lane and the row from before lanes, and no visitor's or record's row.</summary>
    [Fact]
    public void A_counter_s_lanes_and_its_row_from_before_lanes_are_one_range_that_holds_no_other_row()
    {
        static bool InRange(string key) =>
            string.CompareOrdinal(key, RowKeys.LanesFrom) >= 0 && string.CompareOrdinal(key, RowKeys.State) <= 0;

        Assert.All(Enumerable.Range(0, LaneId.Count).Select(i => RowKeys.Lane(LaneId.Of(i))), key => Assert.True(InRange(key), key));
        Assert.True(InRange(RowKeys.State));
        Assert.False(InRange(RowKeys.Visitor(TestVisitors.Alice)));
        Assert.False(InRange(RowKeys.Record(new(null, Key))));
        Assert.False(InRange(RowKeys.Record(new(TestVisitors.Alice, Key))));
    }

    [Fact]
    public void A_lane_s_row_key_names_its_lane_and_state_names_none()
    {
        Assert.Equal("lane-07", RowKeys.Lane(LaneId.Of(7)));
        Assert.Equal(LaneId.Of(31), RowKeys.LaneOf("lane-31"));
        Assert.Null(RowKeys.LaneOf(RowKeys.State));
        Assert.Throws<FormatException>(() => RowKeys.LaneOf("lane-32"));
        Assert.Throws<FormatException>(() => RowKeys.LaneOf("lane-x"));
    }
}
