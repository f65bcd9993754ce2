using System.Diagnostics;
using LiveCounter.Increments;
using LiveCounter.Problems;
using LiveCounter.Storage;
using LiveCounter.Visitors;

namespace LiveCounter.GroupCommit;

/// <summary>
/// One counter's increments waiting in this process, handed to its <see cref="LaneWriter"/> one batch at a time:
/// whatever arrives while a batch is being committed goes into the next one, and a request that finds nothing in
/// progress is committed at once.
/// </summary>
/// <remarks>
/// Invariants, under <c>_gate</c> (checked by <see cref="AssertInvariants"/> wherever the lock is taken):
/// <list type="bullet">
/// <item>At most one drain runs (<c>_drainOwned</c>); it alone takes batches and commits them, one after another.</item>
/// <item>Requests wait only while a drain owns the queue: the drain takes them before it lets go.</item>
/// <item><c>_queue</c> holds, in arrival order, the requests not yet taken into a batch. A request leaves it exactly once:
/// into a batch, or cancelled by its caller. Once in a batch it is answered by the batch, whatever its caller does.</item>
/// <item>A retired queue takes nothing: it was idle when retired, so nothing is left in it.</item>
/// </list>
/// </remarks>
internal sealed class IncrementQueue(LaneWriter writer, TimeProvider time)
{
    readonly Lock _gate = new();
    readonly List<QueuedIncrement> _queue = [];
    bool _drainOwned;
    bool _retired;

    /// <summary>The lane its writer commits to now.</summary>
    public LaneId Lane => writer.Lane;

    /// <summary>The request's answer, or null when this queue is retired and the caller must take the counter's new one.</summary>
    public Task<ProblemOr<IncrementReply>>? TrySubmit(IncrementRequest request, CancellationToken cancellationToken)
    {
        var queued = new QueuedIncrement(request, time.GetTimestamp());
        bool startsDrain;
        lock (_gate)
        {
            if (_retired)
            {
                return null;
            }

            _queue.Add(queued);
            startsDrain = !_drainOwned;
            _drainOwned = true;
            AssertInvariants();
        }

        if (cancellationToken.CanBeCanceled)
        {
            queued.WatchCancellation(LeaveQueue, cancellationToken);
        }

        if (startsDrain)
        {
            _ = DrainAsync();
        }

        return queued.Answer;
    }

    /// <summary>Retires the queue if it is idle, so its counter's entry can be dropped; false while it has work.</summary>
    public bool TryRetire()
    {
        lock (_gate)
        {
            _retired = !_drainOwned && _queue.Count == 0;
            AssertInvariants();
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

            AssertInvariants();
        }
    }

    async Task DrainAsync()
    {
        // The drain commits many requests' increments, so it carries none's trace: the request that happened to start it
        // would otherwise parent every store call (and its traceparent header) of every later batch. Set inside this
        // async method, it leaves that request's own context untouched.
        Activity.Current = null;
        for (var first = true; ; first = false)
        {
            if (!first)
            {
                if (ReleaseIfEmpty())
                {
                    return;
                }

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
                    _drainOwned = false;
                }

                AssertInvariants();
            }

            if (batch.Count == 0)
            {
                return;
            }

            try
            {
                await writer.CommitAsync(batch).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                // A fault the store does not map (a bug, a corrupt stored record): its callers see it, and no cache outlives it.
                writer.Forget(batch);
                foreach (var queued in batch)
                {
                    queued.Fail(exception);
                }
            }
        }
    }

    /// <summary>
    /// Ends the drain when nothing arrived during its last commit, before any hop through the thread pool: the queue is
    /// idle (and can be dropped) as soon as its last answer is given, not once a pool thread gets round to it.
    /// </summary>
    bool ReleaseIfEmpty()
    {
        lock (_gate)
        {
            _drainOwned = _queue.Count > 0;
            AssertInvariants();
            return !_drainOwned;
        }
    }

    /// <summary>The longest prefix of the queue that fits one transaction: the lane, one row per new key, one per visitor.</summary>
    List<QueuedIncrement> TakeBatch()
    {
        Debug.Assert(_gate.IsHeldByCurrentThread, "Batches are taken under the queue's lock.");
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
        Debug.Assert(entities <= CommitBatch.MaxEntities, "A batch fits one entity-group transaction.");
        return batch;
    }

    [Conditional("DEBUG")]
    void AssertInvariants()
    {
        Debug.Assert(_gate.IsHeldByCurrentThread, "The queue's state is read and changed under its lock only.");
        Debug.Assert(_queue.Count == 0 || _drainOwned, "Requests wait only while a drain owns the queue and will take them.");
        Debug.Assert(!_retired || (_queue.Count == 0 && !_drainOwned), "A retired queue is idle and stays empty.");
    }
}
