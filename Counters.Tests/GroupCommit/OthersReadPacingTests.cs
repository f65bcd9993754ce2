using LiveCounter.GroupCommit;
using Microsoft.Extensions.Time.Testing;

namespace LiveCounter.Tests.GroupCommit;

/// <summary>The other lanes are read every quarter second while they move, ever more rarely while they stay still, and at least once a second.</summary>
public sealed class OthersReadPacingTests
{
    static readonly TimeSpan Fast = TimeSpan.FromMilliseconds(55);

    readonly FakeTimeProvider _time = new();

    /// <summary>Which of the next <paramref name="commits"/> commits, <paramref name="apart"/> apart, read the others, each read finding them <paramref name="moved"/> or not.</summary>
    string Reads(OthersReadPacing pacing, int commits, bool moved, TimeSpan apart)
    {
        var pattern = new System.Text.StringBuilder();
        for (var i = 0; i < commits; i++)
        {
            _time.Advance(apart);
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
    public void While_the_other_lanes_move_a_read_goes_every_quarter_second_however_fast_the_commits()
    {
        var pacing = new OthersReadPacing(_time);
        pacing.ReadAfresh();

        Assert.Equal("....R....R....R....R", Reads(pacing, 20, moved: true, Fast));
    }

    [Fact]
    public void While_they_move_and_commits_are_a_quarter_second_apart_every_commit_reads_them()
    {
        var pacing = new OthersReadPacing(_time);
        pacing.ReadAfresh();

        Assert.Equal("RRRRRR", Reads(pacing, 6, moved: true, OthersReadPacing.Soonest));
    }

    [Fact]
    public void While_they_stay_still_the_commits_skipped_between_reads_double_up_to_sixteen()
    {
        var pacing = new OthersReadPacing(_time);
        pacing.ReadAfresh();

        // Skips of 1, 2 and 4 wait for the quarter second (5 commits); then 8 skipped, then 16, and 16 again.
        Assert.Equal("....R....R....R....R........R................R................R", Reads(pacing, 63, moved: false, Fast));
    }

    [Fact]
    public void A_read_that_finds_them_moved_goes_back_to_every_quarter_second()
    {
        var pacing = new OthersReadPacing(_time);
        pacing.ReadAfresh();
        Reads(pacing, 40, moved: false, Fast);

        // The 40th commit is 11 into 16 skipped: the 6th commit from here reads and finds them moved.
        Assert.Equal(".....R....R....R", Reads(pacing, 16, moved: true, Fast));
        Assert.Equal("....R....R", Reads(pacing, 10, moved: true, Fast));
    }

    [Fact]
    public void However_still_they_stay_a_read_goes_at_least_once_a_second()
    {
        var pacing = new OthersReadPacing(_time);
        pacing.ReadAfresh();
        Reads(pacing, 40, moved: false, Fast);
        Reads(pacing, 1, moved: false, TimeSpan.Zero);

        _time.Advance(OthersReadPacing.Oldest);

        Assert.True(pacing.ReadsAlongsideNextCommit());
    }

    [Fact]
    public void A_read_to_plan_a_batch_counts_as_finding_them_moved()
    {
        var pacing = new OthersReadPacing(_time);
        pacing.ReadAfresh();
        Reads(pacing, 40, moved: false, Fast);

        pacing.ReadAfresh();

        Assert.Equal("....R....R", Reads(pacing, 10, moved: true, Fast));
    }
}
