namespace LiveCounter.GroupCommit;

/// <summary>
/// When a lane writer reads the counter's other lanes alongside a commit: every <see cref="Soonest"/> while they move,
/// ever more rarely while they stay still, and never less often than once a second.
/// </summary>
/// <remarks>
/// A counter written by one process has no other lane, and a read alongside every commit cost it a tenth of its rate
/// on Table Storage (Azurite, docs/performance.md) for nothing; with several processes moving at once, a read per
/// commit doubled the store's requests and was a third of the partition's work. The pages need none of it: they merge
/// every lane's own messages. So a read goes no sooner than <see cref="Soonest"/> after the one before; each read that
/// finds the others unchanged doubles the commits skipped before the next, up to <see cref="MostSkipped"/>; one that
/// finds them moved goes back to reading every <see cref="Soonest"/>. An answer thus counts the other lanes at most
/// <see cref="Soonest"/> old (and the read's own time) while they move, and at most <see cref="MostSkipped"/> commits
/// or <see cref="Oldest"/> old when they had been still.
/// </remarks>
internal sealed class OthersReadPacing(TimeProvider time)
{
    public const int MostSkipped = 16;

    public static readonly TimeSpan Soonest = TimeSpan.FromMilliseconds(250);

    public static readonly TimeSpan Oldest = TimeSpan.FromSeconds(1);

    int _skipping;
    int _skipsLeft;
    long _lastRead = time.GetTimestamp();

    /// <summary>Whether the commit about to go should have a read of the others alongside it; counts the commit as one skipped when not.</summary>
    public bool ReadsAlongsideNextCommit()
    {
        var sinceRead = time.GetElapsedTime(_lastRead);
        if (sinceRead < Oldest && (_skipsLeft > 0 || sinceRead < Soonest))
        {
            _skipsLeft = Math.Max(0, _skipsLeft - 1);
            return false;
        }

        _lastRead = time.GetTimestamp();
        return true;
    }

    /// <summary>A read of the others finished: <paramref name="moved"/> says whether they changed since the read before.</summary>
    public void Read(bool moved)
    {
        _skipping = moved ? 0 : Math.Clamp(_skipping * 2, 1, MostSkipped);
        _skipsLeft = _skipping;
    }

    /// <summary>The others were read to plan a batch (a first commit, or after a conflict): counted as a read that found them moved.</summary>
    public void ReadAfresh()
    {
        _lastRead = time.GetTimestamp();
        Read(moved: true);
    }
}
