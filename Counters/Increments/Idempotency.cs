using LiveCounter.Metrics;
using LiveCounter.Problems;
using LiveCounter.Realtime;
using LiveCounter.Visitors;

namespace LiveCounter.Increments;

/// <summary>What names one idempotency record within a counter: the key, per visitor (or anonymous), as the design scopes keys.</summary>
public readonly record struct RecordId(VisitorId? Visitor, IdempotencyKey Key);

/// <summary>
/// Every rule of <c>Idempotency-Key</c> in one place: a key seen before answers its stored result (a replay, which
/// increments and broadcasts nothing), or 422 when the request's <c>by</c> differs; a key repeated inside one batch (a
/// retry that arrived while the first try was queued) is answered from the first, like any replay.
/// </summary>
/// <remarks>The store decides whether a key was seen before: adding its record fails when it exists (<c>KeyTaken</c>).</remarks>
internal static class Idempotency
{
    static readonly Problem KeyReused = Problem.UnprocessableContent(
        "This Idempotency-Key was already used for an increment with a different by. Use a new key for a new increment.");

    /// <summary>The answer to <paramref name="request"/> whose key already holds <paramref name="stored"/>.</summary>
    public static ProblemOr<IncrementReply> Replay(IncrementRequest request, IncrementResult stored, CounterMetrics metrics)
    {
        if (stored.By != request.By)
        {
            return KeyReused;
        }

        metrics.Replay();
        return new IncrementReply(stored, Replayed: true, Broadcast.Nothing);
    }

    /// <summary>The keys of one batch so far, each with the position of the request that brought it first.</summary>
    public sealed class KeysInBatch
    {
        readonly Dictionary<RecordId, int> _first = [];

        /// <summary>The position of an earlier request of the batch with the same key, or null after noting this one as the first.</summary>
        public int? RepeatOf(IncrementRequest request, int position)
        {
            ArgumentNullException.ThrowIfNull(request);
            if (request.RecordId is not { } id)
            {
                return null;
            }

            if (_first.TryGetValue(id, out var first))
            {
                return first;
            }

            _first.Add(id, position);
            return null;
        }
    }
}
