using System.Diagnostics;
using LiveCounter.Storage;
using LiveCounter.Visitors;

namespace LiveCounter.GroupCommit;

/// <summary>
/// This process's writer of one counter: it commits the counter's batches to its lane, one at a time, retrying as
/// the outcomes allow, and keeps what it knows between them: its lane as it last committed or read it, and the other
/// lanes as it last read them.
/// </summary>
/// <remarks>
/// <para>
/// Only the counter's queue calls it, one batch at a time (checked in debug builds), so its fields need no lock. What
/// it knows can cost a retry, never a wrong increment: a commit applies only while the lane and every visitor row
/// still hold the tokens it was built on. A conflict on the lane means another process writes it too, so the writer
/// moves to another lane; one on a visitor row means that visitor incremented through another process, so the
/// visitor is read again.
/// </para>
/// <para>
/// The other lanes are read alongside commits (never after them: the answers do not wait for the read), and the
/// next batch counts them as the last read found them: an answer counts its own lane exactly and the others at most
/// one commit old while they move (<see cref="OthersReadPacing"/> reads less often while they stay still).
/// </para>
/// <para>
/// A batch whose outcome is unknown (the store's answer was lost) is sent again unchanged until it resolves: the store
/// applies it at most once. It is planned again only after a definite refusal (a conflict, a key taken), which proves
/// that no earlier send of it can still land. Past its first request's deadline every request still in it is answered
/// 503, and the next batch goes.
/// </para>
/// </remarks>
internal sealed class LaneWriter(CounterName name, CommitContext context)
{
    LaneId _lane = LaneId.FirstFor(name, context.Salt);
    LaneRow? _known;
    LaneTallies _others = LaneTallies.None;
    readonly OthersReadPacing _pacing = new(context.Time);
    bool _othersJustRead;
    Task<CounterLanes?>? _othersReading;
    int _committing;

    /// <summary>The lane this writer commits to now.</summary>
    public LaneId Lane => _lane;

    public async Task CommitAsync(List<QueuedIncrement> entries)
    {
        EnterCommit();
        try
        {
            // The first request arrived first, so its deadline is the batch's; the others are answered sooner than theirs.
            using var bound = new CancellationTokenSource(context.Deadline.LeftFor(entries[0].ArrivedAt, context.Time), context.Time);
            var commit = new BatchCommit(entries);
            try
            {
                await CommitUntilAnsweredAsync(commit, bound.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (bound.IsCancellationRequested)
            {
                // A send cut off by the deadline may still land, like one whose answer was lost.
                Forget(entries);
                BatchReplies.Unavailable(commit.Entries, commit.MayHaveLanded ? Unavailability.Unconfirmed : Unavailability.Deadline, context.Metrics);
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
        _known = null;
        context.Visitors.Forget(name, VisitorsOf(entries));
    }

    async Task CommitUntilAnsweredAsync(BatchCommit commit, CancellationToken deadline)
    {
        while (commit.Entries.Count > 0)
        {
            if (commit.Plan is null && !await PlanAsync(commit, deadline).ConfigureAwait(false))
            {
                BatchReplies.Unavailable(commit.Entries, commit.InDoubt ? Unavailability.Unconfirmed : Unavailability.Store, context.Metrics);
                return;
            }

            switch (await SendAsync(commit, deadline).ConfigureAwait(false))
            {
                case CommitOutcome.Committed committed:
                    Remember(commit.Plan!.Batch, committed);
                    BatchReplies.Committed(commit.Entries, commit.Plan, context.Metrics);
                    return;

                case CommitOutcome.KeyTaken taken:
                    // That request (and any repeat of it in the batch) is a replay or a 422; the others go again at once.
                    BatchReplies.FromRecord(commit.Entries, commit.Plan!, taken, context.Metrics);
                    commit.Refused();
                    break;

                case CommitOutcome.Full full:
                    BatchReplies.Full(commit.Entries, full.Limit, context.Metrics);
                    return;

                case CommitOutcome.Unavailable when !commit.InDoubt:
                    BatchReplies.Unavailable(commit.Entries, Unavailability.Store, context.Metrics);
                    return;

                case CommitOutcome.Conflict conflict:
                    context.Metrics.Conflict();
                    Forget(conflict.Row, commit.Entries);
                    commit.Refused();
                    if (!await RetryAsync(commit, "conflict", deadline).ConfigureAwait(false))
                    {
                        BatchReplies.Unavailable(commit.Entries, Unavailability.Contended, context.Metrics);
                        return;
                    }

                    break;

                default:
                    // Unknown, or a store that became unreachable after an earlier send's answer was lost: either way that
                    // send may still land, so the same batch goes again until the store says what happened.
                    Forget(commit.Entries);
                    commit.Lost();
                    if (!await RetryAsync(commit, "unknown", deadline).ConfigureAwait(false))
                    {
                        BatchReplies.Unavailable(commit.Entries, Unavailability.Unconfirmed, context.Metrics);
                        return;
                    }

                    break;
            }
        }
    }

    /// <summary>Plans the batch from what this writer knows, reading first what it lacks; false when the store cannot be read.</summary>
    async Task<bool> PlanAsync(BatchCommit commit, CancellationToken deadline)
    {
        try
        {
            if (_known is null)
            {
                var lanes = await context.Store.ReadAsync(name, deadline).ConfigureAwait(false);
                _known = lanes.Lane(_lane);
                _others = lanes.Except(_lane);
                _othersJustRead = true;
                _pacing.ReadAfresh();
            }
            else
            {
                TakeFinishedReadOfOthers();
            }

            var totals = await TotalsAsync(commit.Entries, deadline).ConfigureAwait(false);
            commit.Plan = BatchPlan.For(
                name, _known, _others, totals, [.. commit.Entries.Select(entry => entry.Request)], context.Time.GetUtcNow(), context.RecordRetention, CommitId.New());
            return true;
        }
        catch (CounterStoreUnavailableException)
        {
            Forget(commit.Entries);
            return false;
        }
    }

    /// <summary>The totals of the batch's visitors with their rows' tokens: from the process's cache, reading those it lacks.</summary>
    async Task<Dictionary<VisitorId, VisitorTotal>> TotalsAsync(List<QueuedIncrement> entries, CancellationToken deadline)
    {
        var totals = new Dictionary<VisitorId, VisitorTotal>();
        var missing = new List<VisitorId>();
        foreach (var visitor in VisitorsOf(entries).Distinct())
        {
            if (context.Visitors.TryGet(name, visitor, out var cached))
            {
                totals[visitor] = cached;
            }
            else
            {
                missing.Add(visitor);
            }
        }

        if (missing.Count > 0)
        {
            foreach (var (visitor, total) in await context.Store.ReadTotalsAsync(name, missing, deadline).ConfigureAwait(false))
            {
                totals[visitor] = total;
                context.Visitors.Set(name, visitor, total);
            }
        }

        return totals;
    }

    async Task<CommitOutcome> SendAsync(BatchCommit commit, CancellationToken deadline)
    {
        if (!_othersJustRead && _othersReading is null && _pacing.ReadsAlongsideNextCommit())
        {
            _othersReading = ReadOthersAsync();
        }

        _othersJustRead = false;
        commit.Sending = true;
        var started = context.Time.GetTimestamp();
        var outcome = await context.Store.CommitAsync(commit.Plan!.Batch, deadline).ConfigureAwait(false);
        commit.Sending = false;
        context.Metrics.CommitDuration(BatchReplies.TagOf(outcome), context.Time.GetElapsedTime(started));
        return outcome;
    }

    /// <summary>A read of the counter alongside a commit, bounded on its own; a failed one is no loss, the next commit reads again.</summary>
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

    /// <summary>Each retry, after a conflict or a lost answer, within the batch's budget: false once it is spent.</summary>
    async Task<bool> RetryAsync(BatchCommit commit, string reason, CancellationToken deadline)
    {
        if (commit.Attempts >= context.Policy.MaxAttempts)
        {
            return false;
        }

        context.Metrics.Retry(reason);
        await Task.Delay(context.Policy.DelayAfter(commit.Attempts, context.NextUnit()), context.Time, deadline).ConfigureAwait(false);
        commit.Attempts++;
        return true;
    }

    void Remember(CommitBatch batch, CommitOutcome.Committed committed)
    {
        Debug.Assert(batch.Lane.Id == _lane, "A writer moves lanes only after a refusal, which discards the plan.");
        _known = committed.LaneToken is { } token ? new LaneRow(_lane, batch.LaneAfter, token) : null;
        foreach (var (visitor, update) in batch.Totals)
        {
            if (committed.VisitorTokens?.TryGetValue(visitor, out var visitorToken) == true)
            {
                context.Visitors.Set(name, visitor, new VisitorTotal(update.Total, visitorToken));
            }
            else
            {
                context.Visitors.Forget(name, [visitor]);
            }
        }
    }

    void Forget(ConflictedRow row, List<QueuedIncrement> entries)
    {
        if (row is ConflictedRow.Lane or ConflictedRow.Unknown)
        {
            _lane = context.MoveFrom(_lane);
            _known = null;
            context.Metrics.LaneMove();
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

    /// <summary>One batch on its way to the store: its requests still unanswered, the plan being sent, and what may have landed.</summary>
    sealed class BatchCommit(List<QueuedIncrement> entries)
    {
        public List<QueuedIncrement> Entries { get; } = entries;

        public BatchPlan? Plan { get; set; }

        /// <summary>An earlier send of the plan may have landed, or still may: its answer was lost.</summary>
        public bool InDoubt { get; private set; }

        /// <summary>A send is under way; cut off now, it too may land.</summary>
        public bool Sending { get; set; }

        /// <summary>Tries so far, the one under way included.</summary>
        public int Attempts { get; set; } = 1;

        public bool MayHaveLanded => InDoubt || Sending;

        /// <summary>A definite refusal: no earlier send can land any more, so the batch is planned again from what is known then.</summary>
        public void Refused()
        {
            InDoubt = false;
            Plan = null;
        }

        /// <summary>The answer was lost: the very same batch goes again.</summary>
        public void Lost()
        {
            InDoubt = true;
            Plan = Plan!.SentAgain();
        }
    }
}
