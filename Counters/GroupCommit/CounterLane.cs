using LiveCounter.Increments;
using LiveCounter.Metrics;
using LiveCounter.Problems;
using LiveCounter.Storage;
using LiveCounter.Visitors;

namespace LiveCounter.GroupCommit;

/// <summary>
/// One counter's increments in this process, committed one batch at a time: whatever arrives while a commit is in
/// flight goes into the next one, and a request that finds the lane idle is committed at once.
/// </summary>
/// <remarks>
/// <para>Invariants, under <c>_gate</c>:</para>
/// <list type="bullet">
/// <item>At most one batch of the counter is being committed (<c>_committing</c>), by the one running <see cref="DrainAsync"/>.</item>
/// <item><c>_queue</c> holds, in arrival order, the requests not yet taken into a batch. A request leaves it exactly once:
/// into a batch, or cancelled by its caller. Once in a batch it is answered by the batch, whatever its caller does.</item>
/// <item>A retired lane takes nothing: it was idle when retired, so nothing is left in it.</item>
/// </list>
/// <para>
/// Only the committer touches <c>_state</c> and <c>_totals</c>. <c>_state</c> is the counter as this process last
/// committed or read it (null: read it first); <c>_totals</c> holds visitor totals read or written under its token. A
/// commit built on a stale cache fails with a conflict, so the caches can cost a retry, never a wrong increment.
/// </para>
/// <para>
/// A batch whose outcome is unknown (the store's answer was lost) is sent again unchanged until it resolves: the store
/// applies it at most once. It is rebuilt only after a definite refusal (a conflict, a key taken), which proves that no
/// earlier send of it can still land.
/// </para>
/// </remarks>
internal sealed class CounterLane(CounterName name, LaneContext context)
{
    /// <summary>Visitor totals kept per counter; beyond this the cache starts over rather than grow without bound.</summary>
    const int MaxCachedVisitors = 10_000;

    static readonly Problem KeyReused = Problem.UnprocessableContent(
        "This Idempotency-Key was already used for an increment with a different by. Use a new key for a new increment.");

    static readonly Problem StoreUnavailable = Problem.Unavailable(
        "The counter store is unavailable. Nothing was written; retry with the same Idempotency-Key.");

    static readonly Problem Contended = Problem.Unavailable(
        "The counter is too busy right now. Nothing was written; retry with the same Idempotency-Key.");

    static readonly Problem TimedOut = Problem.Unavailable(
        "The counter store did not answer in time. Nothing was written; retry with the same Idempotency-Key.");

    static readonly Problem Unconfirmed = Problem.Unavailable(
        "The counter store did not confirm whether this increment was applied. Retry with the same Idempotency-Key: "
        + "if it was applied, the retry returns its result instead of counting it again.");

    readonly Lock _gate = new();
    readonly List<QueuedIncrement> _queue = [];
    readonly Dictionary<VisitorId, long> _totals = [];
    bool _committing;
    bool _retired;
    CounterState? _state;

    /// <summary>The request's answer, or null when this lane is retired and the caller must take the counter's new lane.</summary>
    public Task<Outcome<IncrementSuccess>>? TrySubmit(IncrementRequest request, CancellationToken cancellationToken)
    {
        var queued = new QueuedIncrement(request, context.Time.GetTimestamp());
        bool lead;
        lock (_gate)
        {
            if (_retired)
            {
                return null;
            }

            _queue.Add(queued);
            lead = !_committing;
            _committing = true;
        }

        if (cancellationToken.CanBeCanceled)
        {
            queued.WatchCancellation(LeaveQueue, cancellationToken);
        }

        if (lead)
        {
            _ = DrainAsync();
        }

        return queued.Answer;
    }

    /// <summary>Retires the lane if it is idle, so its counter's entry can be dropped; false while it has work.</summary>
    public bool TryRetire()
    {
        lock (_gate)
        {
            _retired = !_committing && _queue.Count == 0;
            return _retired;
        }
    }

    void LeaveQueue(QueuedIncrement queued)
    {
        lock (_gate)
        {
            // Too late once it is in a batch: the batch answers it, and it may carry the commit's messages.
            if (_queue.Remove(queued))
            {
                queued.Cancel();
            }
        }
    }

    async Task DrainAsync()
    {
        for (var first = true; ; first = false)
        {
            if (!first)
            {
                // Later batches run off the stack of the caller who started the drain (with a synchronous store, that
                // caller would otherwise wait for everybody else's batches).
                await Task.Yield();
            }

            List<QueuedIncrement> batch;
            lock (_gate)
            {
                batch = TakeBatch();
                if (batch.Count == 0)
                {
                    _committing = false;
                    return;
                }
            }

            try
            {
                await CommitAsync(batch).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                // A fault the store does not map (a bug, a corrupt stored record): its callers see it, and no cache outlives it.
                Forget();
                foreach (var queued in batch)
                {
                    queued.Fail(exception);
                }
            }
        }
    }

    /// <summary>The longest prefix of the queue that fits one transaction: the counter, one row per new key, one per visitor.</summary>
    List<QueuedIncrement> TakeBatch()
    {
        var keys = new HashSet<(VisitorId?, IdempotencyKey)>();
        var visitors = new HashSet<VisitorId>();
        var entities = 1;
        var taken = 0;
        for (; taken < _queue.Count; taken++)
        {
            var request = _queue[taken].Request;
            var newKey = request.Key is { } key && !keys.Contains((request.Visitor, key));
            var newVisitor = request.Visitor is { } visitor && !visitors.Contains(visitor);
            var more = (newKey ? 1 : 0) + (newVisitor ? 1 : 0);
            if (entities + more > CommitBatch.MaxEntities)
            {
                break;
            }

            entities += more;
            if (newKey)
            {
                keys.Add((request.Visitor, request.Key!));
            }

            if (newVisitor)
            {
                visitors.Add(request.Visitor!);
            }
        }

        var batch = _queue.GetRange(0, taken);
        _queue.RemoveRange(0, taken);
        return batch;
    }

    /// <summary>
    /// Commits the batch, retrying as the outcomes allow, until it is answered or its first request's deadline passes:
    /// then every request still in it is answered 503, and the lane moves on to the next batch.
    /// </summary>
    async Task CommitAsync(List<QueuedIncrement> entries)
    {
        // The first request arrived first, so its deadline is the batch's; the others are answered sooner than theirs.
        using var bound = new CancellationTokenSource(context.Deadline.LeftFor(entries[0].ArrivedAt, context.Time), context.Time);
        var deadline = bound.Token;
        var tries = 1;
        var uncertain = false;
        var sending = false;
        BatchPlan? plan = null;
        try
        {
            while (entries.Count > 0)
            {
                if (plan is null)
                {
                    if (!await RefreshAsync(entries, deadline).ConfigureAwait(false))
                    {
                        Refuse(entries, uncertain);
                        return;
                    }

                    plan = BatchPlan.For(_state!, _totals, [.. entries.Select(entry => entry.Request)], context.Time.GetUtcNow(), context.RecordRetention, CommitId.New());
                }

                var started = context.Time.GetTimestamp();
                sending = true;
                var outcome = await context.Store.CommitAsync(plan.Batch, deadline).ConfigureAwait(false);
                sending = false;
                context.Metrics.Tried(NameOf(outcome), context.Time.GetElapsedTime(started));
                switch (outcome)
                {
                    case CommitOutcome.Committed committed:
                        Remember(plan.Batch, committed.Token);
                        context.Metrics.Committed(plan.Batch.Increments);
                        ReplyCommitted(entries, plan);
                        return;

                    case CommitOutcome.KeyTaken taken:
                        // That request (and any repeat of it in the batch) is a replay or a 422; the others go again at once.
                        // A refusal is definite: no earlier send of this batch can land any more.
                        ReplyFromRecord(entries, plan, taken);
                        uncertain = false;
                        plan = null;
                        break;

                    case CommitOutcome.Conflict:
                        // Another process wrote: the retry, after its backoff, starts from the counter as read then, not as
                        // it was at the conflict, which on a busy counter has moved on again by the time the backoff ends.
                        uncertain = false;
                        context.Metrics.Conflicted();
                        Forget();
                        if (tries >= context.Policy.MaxAttempts)
                        {
                            context.Metrics.Refused("contended", entries.Count);
                            ReplyAll(entries, Contended);
                            return;
                        }

                        context.Metrics.Retried("conflict");
                        await Task.Delay(context.Policy.DelayAfter(tries++, context.Random.NextDouble()), context.Time, deadline).ConfigureAwait(false);
                        plan = null;
                        break;

                    case CommitOutcome.Full full:
                        // A definite refusal: the store is full, and room comes back only as records expire.
                        context.Metrics.Refused("full", entries.Count);
                        ReplyAll(entries, StoreFull(full.Limit));
                        return;

                    case CommitOutcome.Unavailable when !uncertain:
                        Refuse(entries, uncertain: false);
                        return;

                    default:
                        // Unknown, or a store that became unreachable after an earlier send's answer was lost: either way that
                        // send may still land, so the same batch goes again until the store says what happened.
                        uncertain = true;
                        Forget();
                        if (tries >= context.Policy.MaxAttempts)
                        {
                            Refuse(entries, uncertain: true);
                            return;
                        }

                        context.Metrics.Retried("unknown");
                        await Task.Delay(context.Policy.DelayAfter(tries++, context.Random.NextDouble()), context.Time, deadline).ConfigureAwait(false);
                        plan = plan.SentAgain();
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested)
        {
            // A send cut off by the deadline may still land, like one whose answer was lost; the caches may be behind it.
            Forget();
            var doubt = uncertain || sending;
            context.Metrics.Refused(doubt ? "unconfirmed" : "deadline", entries.Count);
            ReplyAll(entries, doubt ? Unconfirmed : TimedOut);
        }
    }

    /// <summary>Reads what the caches lack for <paramref name="entries"/>: the counter, then the totals of visitors not yet known.</summary>
    async Task<bool> RefreshAsync(List<QueuedIncrement> entries, CancellationToken deadline)
    {
        try
        {
            _state ??= await context.Store.ReadAsync(name, deadline).ConfigureAwait(false);
            var visitors = entries.Select(entry => entry.Request.Visitor).OfType<VisitorId>().Distinct().ToList();
            if (_totals.Count + visitors.Count > MaxCachedVisitors)
            {
                _totals.Clear();
            }

            var missing = visitors.Where(visitor => !_totals.ContainsKey(visitor)).ToList();
            if (missing.Count > 0)
            {
                foreach (var (visitor, total) in await context.Store.ReadTotalsAsync(name, missing, deadline).ConfigureAwait(false))
                {
                    _totals[visitor] = total;
                }
            }

            return true;
        }
        catch (CounterStoreUnavailableException)
        {
            Forget();
            return false;
        }
    }

    void Remember(CommitBatch batch, string? token)
    {
        if (token is null)
        {
            Forget();
            return;
        }

        _state = new CounterState(batch.After, token);
        foreach (var (visitor, total) in batch.Totals)
        {
            _totals[visitor] = total;
        }
    }

    void Forget()
    {
        _state = null;
        _totals.Clear();
    }

    void ReplyCommitted(List<QueuedIncrement> entries, BatchPlan plan)
    {
        for (var i = 0; i < entries.Count; i++)
        {
            switch (plan.Steps[i])
            {
                case BatchPlan.Step.Apply apply:
                    entries[i].Reply(new IncrementSuccess(apply.Result, Replayed: false, apply.Messages));
                    break;

                case BatchPlan.Step.Repeat repeat:
                    entries[i].Reply(Replay(entries[i].Request, ((BatchPlan.Step.Apply)plan.Steps[repeat.Of]).Result));
                    break;
            }
        }
    }

    void ReplyFromRecord(List<QueuedIncrement> entries, BatchPlan plan, CommitOutcome.KeyTaken taken)
    {
        var owner = plan.OwnerOfRecord(taken.RecordIndex);
        for (var i = entries.Count - 1; i >= 0; i--)
        {
            if (i == owner || plan.Steps[i] is BatchPlan.Step.Repeat { Of: var of } && of == owner)
            {
                entries[i].Reply(Replay(entries[i].Request, taken.Stored));
                entries.RemoveAt(i);
            }
        }
    }

    Outcome<IncrementSuccess> Replay(IncrementRequest request, IncrementResult stored)
    {
        if (stored.By != request.By)
        {
            return KeyReused;
        }

        context.Metrics.Replayed();
        return new IncrementSuccess(stored, Replayed: true, Messages: []);
    }

    void Refuse(List<QueuedIncrement> entries, bool uncertain)
    {
        context.Metrics.Refused(uncertain ? "unconfirmed" : "store", entries.Count);
        ReplyAll(entries, uncertain ? Unconfirmed : StoreUnavailable);
    }

    static void ReplyAll(List<QueuedIncrement> entries, Problem problem)
    {
        foreach (var entry in entries)
        {
            entry.Reply(problem);
        }
    }

    static Problem StoreFull(StoreLimit limit) => Problem.InsufficientStorage(limit switch
    {
        StoreLimit.Counters => "This server keeps counters in memory and holds as many counters as it may (LiveCounter:InMemory:MaxCounters). Nothing was written.",
        StoreLimit.Visitors => "This server keeps counters in memory and holds as many visitor totals as it may (LiveCounter:InMemory:MaxVisitors). Nothing was written.",
        _ => "This server keeps counters in memory and holds as many Idempotency-Keys as it may until older ones expire (LiveCounter:InMemory:MaxRecords). Nothing was written.",
    });

    static string NameOf(CommitOutcome outcome) => outcome switch
    {
        CommitOutcome.Full => "full",
        CommitOutcome.Committed => "committed",
        CommitOutcome.Conflict => "conflict",
        CommitOutcome.KeyTaken => "key_taken",
        CommitOutcome.Unavailable => "unavailable",
        _ => "unknown",
    };
}

/// <summary>What every lane of one use case shares.</summary>
internal sealed record LaneContext(
    ICounterStore Store, TimeProvider Time, RetryPolicy Policy, AnswerDeadline Deadline, TimeSpan RecordRetention, Random Random, CounterMetrics Metrics);
