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

    public void Forget(CounterName counter, IEnumerable<VisitorId> visitors)
    {
        foreach (var visitor in visitors)
        {
            _totals.TryRemove((counter, visitor), out _);
        }
    }
}
