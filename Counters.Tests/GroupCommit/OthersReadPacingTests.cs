using LiveCounter.GroupCommit;
using Microsoft.Extensions.Time.Testing;

namespace LiveCounter.Tests.GroupCommit;

/// <summary>The other lanes are read with every commit while they move, ever more rarely while they stay still, and at least once a second.</summary>
public sealed class OthersReadPacingTests
{
    readonly FakeTimeProvider _time = new();

    /// <summary>Which of the next <paramref name="commits"/> commits read the others, each read finding them <paramref name="moved"/> or not.</summary>
    static string Reads(OthersReadPacing pacing, int commits, bool moved)
    {
        var pattern = new System.Text.StringBuilder();
        for (var i = 0; i < commits; i++)
        {
            var reads = pacing.ReadsAlongsideNextCommit();
            pattern.Append(reads ? 'R' : '.');
            if (reads)
            {
                pacing.Read(moved);
            }
        }

        return pattern.ToString();
    }

    [Fact]
    public void While_the_other_lanes_move_every_commit_reads_them()
    {
        var pacing = new OthersReadPacing(_time);
        pacing.ReadAfresh();

        Assert.Equal("RRRRRRRR", Reads(pacing, 8, moved: true));
    }

    [Fact]
    public void While_they_stay_still_the_commits_skipped_between_reads_double_up_to_sixteen()
    {
        var pacing = new OthersReadPacing(_time);
        pacing.ReadAfresh();

        Assert.Equal("R.R..R....R........R................R................R", Reads(pacing, 54, moved: false));
    }

    [Fact]
    public void A_read_that_finds_them_moved_goes_back_to_every_commit()
    {
        var pacing = new OthersReadPacing(_time);
        pacing.ReadAfresh();
        Reads(pacing, 12, moved: false);

        Assert.Equal("R", Reads(pacing, 9, moved: true)[^1..]);
        Assert.Equal("RRR", Reads(pacing, 3, moved: true));
    }

    [Fact]
    public void However_still_they_stay_a_read_goes_at_least_once_a_second()
    {
        var pacing = new OthersReadPacing(_time);
        pacing.ReadAfresh();
        Reads(pacing, 40, moved: false);

        _time.Advance(OthersReadPacing.Oldest);

        Assert.True(pacing.ReadsAlongsideNextCommit());
    }

    [Fact]
    public void A_read_to_plan_a_batch_counts_as_finding_them_moved()
    {
        var pacing = new OthersReadPacing(_time);
        pacing.ReadAfresh();
        Reads(pacing, 12, moved: false);

        pacing.ReadAfresh();

        Assert.Equal("RR", Reads(pacing, 2, moved: true));
    }
}
