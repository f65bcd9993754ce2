using System.Diagnostics;
using LiveCounter.Storage;
using LiveCounter.Visitors;

namespace LiveCounter.GroupCommit;

/// <summary>
/// This process's writer of one counter: it commits the counter's batches to its lane, one at a time, retrying as the
/// outcomes allow, until every request of the batch is answered.
/// </summary>
/// <remarks>
/// Only the counter's queue calls it, one batch at a time (checked in debug builds), so it needs no lock. A batch whose
/// outcome is unknown (the store's answer was lost) is sent again unchanged until it resolves: the store applies it at
/// most once. It is planned again only after a definite refusal (a conflict, a key taken), which proves that no earlier
/// send of it can still land. A try the store turned away for load (busy) wrote nothing and changes nothing known: the
/// batch waits (<see cref="BusyBackoff"/>) and goes again as it was, for as long as its deadline leaves room for a wait
/// and a try. Past its first request's deadline every request still in it is answered 503.
/// </remarks>
internal sealed class LaneWriter(CounterName name, CommitContext context)
{
    readonly KnownLanes _lanes = new(name, context);
    int _committing;

    /// <summary>How long the last send took: a wait after a busy answer leaves at least this much of the deadline for the next.</summary>
    TimeSpan _lastSend;

    enum Planning
    {
        Planned,

        /// <summary>A read it needed was turned away for load.</summary>
        Busy,

        /// <summary>A read it needed could not reach the store.</summary>
        Unavailable,
    }

    /// <summary>The lane this writer commits to now.</summary>
    public LaneId Lane => _lanes.Lane;

    public async Task CommitAsync(List<QueuedIncrement> entries)
    {
        EnterCommit();
        try
        {
            // The first request arrived first, so its deadline is the batch's; the others are answered sooner than theirs.
            using var bound = new CancellationTokenSource(context.Deadline.LeftFor(entries[0].ArrivedAt, context.Time), context.Time);
            var batch = new InFlightBatch(entries);
            try
            {
                await CommitUntilAnsweredAsync(batch, bound.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (bound.IsCancellationRequested)
            {
                // A send cut off by the deadline may still land, like one whose answer was lost.
                Forget(entries);
                BatchReplies.Unavailable(batch.Entries, batch.MayHaveLanded ? Unavailability.Unconfirmed : Unavailability.Deadline, context.Metrics);
            }
        }
        finally
        {
            LeaveCommit();
        }
    }

    /// <summary>Drops what this writer knows of the counter and of these requests' visitors: after a fault, nothing of it is trusted.</summary>
    public void Forget(IEnumerable<QueuedIncrement> entries)
    {
        _lanes.Forget();
        context.Visitors.Forget(name, VisitorsOf(entries));
    }

    async Task CommitUntilAnsweredAsync(InFlightBatch batch, CancellationToken deadline)
    {
        while (batch.Entries.Count > 0)
        {
            if (batch.Plan is null)
            {
                var planning = await PlanAsync(batch, deadline).ConfigureAwait(false);
                if (planning == Planning.Unavailable)
                {
                    BatchReplies.Unavailable(batch.Entries, batch.InDoubt ? Unavailability.Unconfirmed : Unavailability.Store, context.Metrics);
                    return;
                }

                if (planning == Planning.Busy)
                {
                    if (!await WaitOutBusyAsync(batch, deadline).ConfigureAwait(false))
                    {
                        return;
                    }

                    continue;
                }
            }

            var outcome = await SendAsync(batch, deadline).ConfigureAwait(false);
            if (outcome is not CommitOutcome.Busy)
            {
                batch.GotThrough();
            }

            switch (outcome)
            {
                case CommitOutcome.Committed committed:
                    _lanes.Committed(batch.Plan!.Batch, committed.LaneToken);
                    context.Visitors.Committed(name, batch.Plan.Batch, committed.VisitorTokens);
                    BatchReplies.Committed(batch.Entries, batch.Plan, context.Metrics);
                    return;

                case CommitOutcome.KeyTaken taken:
                    // That request (and any repeat of it in the batch) is a replay or a 422; the others go again at once.
                    BatchReplies.FromRecord(batch.Entries, batch.Plan!, taken, context.Metrics);
                    batch.Refused();
                    break;

                case CommitOutcome.Full full:
                    BatchReplies.Full(batch.Entries, full.Limit, context.Metrics);
                    return;

                case CommitOutcome.Unavailable when !batch.InDoubt:
                    BatchReplies.Unavailable(batch.Entries, Unavailability.Store, context.Metrics);
                    return;

                case CommitOutcome.Busy:
                    // Turned away unapplied: what this writer knows still holds, and so does any doubt an earlier send left.
                    if (!await WaitOutBusyAsync(batch, deadline).ConfigureAwait(false))
                    {
                        return;
                    }

                    break;

                case CommitOutcome.Conflict conflict:
                    context.Metrics.Conflict();
                    AfterConflict(conflict.Row, batch.Entries);
                    batch.Refused();
                    if (!await batch.RetryAsync(context, "conflict", deadline).ConfigureAwait(false))
                    {
                        BatchReplies.Unavailable(batch.Entries, Unavailability.Contended, context.Metrics);
                        return;
                    }

                    break;

                default:
                    // Unknown, or a store that became unreachable after an earlier send's answer was lost: either way that
                    // send may still land, so the same batch goes again until the store says what happened.
                    Forget(batch.Entries);
                    batch.Lost();
                    if (!await batch.RetryAsync(context, "unknown", deadline).ConfigureAwait(false))
                    {
                        BatchReplies.Unavailable(batch.Entries, Unavailability.Unconfirmed, context.Metrics);
                        return;
                    }

                    break;
            }
        }
    }

    /// <summary>Plans the batch from what this writer knows, reading first what it lacks.</summary>
    async Task<Planning> PlanAsync(InFlightBatch batch, CancellationToken deadline)
    {
        try
        {
            var (own, others) = await _lanes.ForNextBatchAsync(deadline).ConfigureAwait(false);
            var totals = await context.Visitors.ReadAsync(context.Store, name, VisitorsOf(batch.Entries), deadline).ConfigureAwait(false);
            batch.Plan = BatchPlan.For(
                name, own, others, totals, [.. batch.Entries.Select(entry => entry.Request)], context.Time.GetUtcNow(), context.RecordRetention, CommitId.New());
            return Planning.Planned;
        }
        catch (CounterStoreUnavailableException unavailable) when (unavailable.Busy)
        {
            // The store answered: nothing known is wrong, the read only has to wait.
            return Planning.Busy;
        }
        catch (CounterStoreUnavailableException)
        {
            Forget(batch.Entries);
            return Planning.Unavailable;
        }
    }

    async Task<CommitOutcome> SendAsync(InFlightBatch batch, CancellationToken deadline)
    {
        _lanes.ReadOthersIfDue();
        batch.Sending = true;
        var started = context.Time.GetTimestamp();
        var outcome = await context.Store.CommitAsync(batch.Plan!.Batch, deadline).ConfigureAwait(false);
        batch.Sending = false;
        _lastSend = context.Time.GetElapsedTime(started);
        context.Metrics.CommitDuration(BatchReplies.TagOf(outcome), _lastSend);
        return outcome;
    }

    /// <summary>
    /// Waits after the store turned the batch away for load; false once the deadline leaves no room for another try,
    /// with every request answered: nothing was written, unless an earlier send's answer was lost.
    /// </summary>
    async Task<bool> WaitOutBusyAsync(InFlightBatch batch, CancellationToken deadline)
    {
        if (await batch.BackOffAsync(context, _lastSend, deadline).ConfigureAwait(false))
        {
            return true;
        }

        if (batch.InDoubt)
        {
            BatchReplies.Unavailable(batch.Entries, Unavailability.Unconfirmed, context.Metrics);
        }
        else
        {
            BatchReplies.Busy(batch.Entries, context);
        }

        return false;
    }

    /// <summary>A conflict on the lane means another process writes it too; one on a visitor's row, that the visitor incremented elsewhere.</summary>
    void AfterConflict(ConflictedRow row, List<QueuedIncrement> entries)
    {
        if (row is ConflictedRow.Lane or ConflictedRow.Unknown)
        {
            _lanes.MoveLane();
        }

        if (row is ConflictedRow.Visitor or ConflictedRow.Unknown)
        {
            context.Visitors.Forget(name, VisitorsOf(entries));
        }
    }

    static IEnumerable<VisitorId> VisitorsOf(IEnumerable<QueuedIncrement> entries) =>
        entries.Select(entry => entry.Request.Visitor).OfType<VisitorId>();

    [Conditional("DEBUG")]
    void EnterCommit() => Debug.Assert(Interlocked.Exchange(ref _committing, 1) == 0, "One batch at a time: only the queue's drain commits.");

    [Conditional("DEBUG")]
    void LeaveCommit() => Volatile.Write(ref _committing, 0);
}
