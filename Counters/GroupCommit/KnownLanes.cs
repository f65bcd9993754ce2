using System.Diagnostics;
using LiveCounter.Storage;

namespace LiveCounter.GroupCommit;

/// <summary>
/// What one counter's <see cref="LaneWriter"/> knows of the counter's lanes between batches: the lane it writes now,
/// that lane as it last committed or read it, and the other lanes as it last read them.
/// </summary>
/// <remarks>
/// What it knows can cost a retry, never a wrong increment: a commit applies only while the lane still holds the token
/// it was built on. The other lanes are read alongside commits, never after them (the answers do not wait for the read),
/// on <see cref="OthersReadPacing"/>'s schedule, so an answer counts them at most a quarter second old while they move.
/// Used by one batch at a time, like its writer, so it needs no lock.
/// </remarks>
internal sealed class KnownLanes(CounterName name, CommitContext context)
{
    LaneId _lane = LaneId.FirstFor(name, context.Salt);
    LaneRow? _own;
    LaneTallies _others = LaneTallies.None;
    readonly OthersReadPacing _pacing = new(context.Time);
    Task<CounterLanes?>? _othersReading;

    public LaneId Lane => _lane;

    /// <summary>The lane to build the next batch on and the others to count in its answers; reads the counter first when the lane is not known.</summary>
    /// <exception cref="CounterStoreUnavailableException">The counter could not be read.</exception>
    public async Task<(LaneRow Own, LaneTallies Others)> ForNextBatchAsync(CancellationToken deadline)
    {
        if (_own is null)
        {
            var lanes = await context.Store.ReadAsync(name, deadline).ConfigureAwait(false);
            _own = lanes.Lane(_lane);
            _others = lanes.Except(_lane);
            _pacing.ReadAfresh();
        }
        else
        {
            TakeFinishedReadOfOthers();
        }

        return (_own, _others);
    }

    /// <summary>Called as a commit goes: starts a read of the others beside it when one is due and none is under way.</summary>
    public void ReadOthersIfDue()
    {
        // Right after a read to plan the batch, the pacing itself says no: that read counts as the last one.
        if (_othersReading is null && _pacing.ReadsAlongsideNextCommit())
        {
            _othersReading = ReadOthersAsync();
        }
    }

    /// <summary>The batch committed: its lane after it is known exactly, unless the store could not say with which token.</summary>
    public void Committed(CommitBatch batch, string? laneToken)
    {
        Debug.Assert(batch.Lane.Id == _lane, "A writer moves lanes only after a refusal, which discards the plan.");
        _own = laneToken is { } token ? new LaneRow(_lane, batch.LaneAfter, token) : null;
    }

    /// <summary>After a fault nothing known of the lane is trusted: the next batch reads it first.</summary>
    public void Forget() => _own = null;

    /// <summary>Another process writes this lane too (a conflict on it): this one goes to another lane, read before its first batch there.</summary>
    public void MoveLane()
    {
        _lane = context.MoveFrom(_lane);
        _own = null;
        context.Metrics.LaneMove();
    }

    /// <summary>A read of the counter beside a commit, bounded on its own; a failed one is no loss, a later commit reads again.</summary>
    async Task<CounterLanes?> ReadOthersAsync()
    {
        using var bound = new CancellationTokenSource(context.Deadline.Within, context.Time);
        try
        {
            return await context.Store.ReadAsync(name, bound.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is CounterStoreUnavailableException or OperationCanceledException)
        {
            return null;
        }
    }

    void TakeFinishedReadOfOthers()
    {
        if (_othersReading is not { IsCompleted: true } read)
        {
            return;
        }

        _othersReading = null;
        if (read.IsCompletedSuccessfully && read.Result is { } lanes)
        {
            // Its own lane it knows exactly from its commits; a newer one there would only mean a conflict to come.
            var others = lanes.Except(_lane);
            _pacing.Read(moved: !others.Equals(_others));
            _others = others;
        }
        else
        {
            // Observed, so a fault in a read nobody waits for is not left unobserved; the next commit reads again.
            _ = read.Exception;
        }
    }
}
