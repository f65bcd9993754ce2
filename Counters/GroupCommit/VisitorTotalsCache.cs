using System.Collections.Concurrent;
using LiveCounter.Storage;
using LiveCounter.Visitors;

namespace LiveCounter.GroupCommit;

/// <summary>
/// The visitor totals this process last read or wrote, over every counter, each with the token of its row: one bound
/// for the whole process, so no number of counters times visitors can outgrow it.
/// </summary>
/// <remarks>
/// An entry can only cost a retry, never a wrong total: a commit sets a total only while the row still has the cached
/// token, so a stale entry makes the commit conflict, and the entry is read again. At the bound it starts over (an
/// entry is about 270 bytes, so the default 100,000 hold about 27 MB), rather than weigh entries against each other.
/// </remarks>
internal sealed class VisitorTotalsCache(int capacity)
{
    readonly ConcurrentDictionary<(CounterName Counter, VisitorId Visitor), VisitorTotal> _totals = new();

    public int Count => _totals.Count;

    public bool TryGet(CounterName counter, VisitorId visitor, out VisitorTotal total) =>
        _totals.TryGetValue((counter, visitor), out total!);

    public void Set(CounterName counter, VisitorId visitor, VisitorTotal total)
    {
        if (_totals.Count >= capacity && !_totals.ContainsKey((counter, visitor)))
        {
            _totals.Clear();
        }

        _totals[(counter, visitor)] = total;
    }

    /// <summary>The totals of <paramref name="visitors"/> with their rows' tokens: from this cache, reading those it lacks from the store.</summary>
    public async Task<Dictionary<VisitorId, VisitorTotal>> ReadAsync(ICounterStore store, CounterName counter, IEnumerable<VisitorId> visitors, CancellationToken cancellationToken)
    {
        var totals = new Dictionary<VisitorId, VisitorTotal>();
        var missing = new List<VisitorId>();
        foreach (var visitor in visitors.Distinct())
        {
            if (TryGet(counter, visitor, out var cached))
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
            foreach (var (visitor, total) in await store.ReadTotalsAsync(counter, missing, cancellationToken).ConfigureAwait(false))
            {
                totals[visitor] = total;
                Set(counter, visitor, total);
            }
        }

        return totals;
    }

    /// <summary>A batch committed: each of its visitors' totals is kept with its row's new token, or forgotten when the store did not say it.</summary>
    public void Committed(CounterName counter, CommitBatch batch, IReadOnlyDictionary<VisitorId, string>? tokens)
    {
        foreach (var (visitor, update) in batch.Totals)
        {
            if (tokens?.TryGetValue(visitor, out var token) == true)
            {
                Set(counter, visitor, new VisitorTotal(update.Total, token));
            }
            else
            {
                Forget(counter, [visitor]);
            }
        }
    }

    public void Forget(CounterName counter, IEnumerable<VisitorId> visitors)
    {
        foreach (var visitor in visitors)
        {
            _totals.TryRemove((counter, visitor), out _);
        }
    }
}
