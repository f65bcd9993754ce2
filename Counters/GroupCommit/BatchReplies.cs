using LiveCounter.Increments;
using LiveCounter.Metrics;
using LiveCounter.Problems;
using LiveCounter.Realtime;
using LiveCounter.Storage;

namespace LiveCounter.GroupCommit;

/// <summary>What the requests of a batch are answered, for each way its commit can end, and what the meter counts of it.</summary>
internal static class BatchReplies
{
    static readonly Problem StoreUnavailable = Problem.Unavailable(
        "The counter store is unavailable. Nothing was written; retry with the same Idempotency-Key.");

    static readonly Problem TimedOut = Problem.Unavailable(
        "The counter store did not answer in time. Nothing was written; retry with the same Idempotency-Key.");

    static readonly Problem Contended = Problem.Unavailable(
        "The counter is too busy right now. Nothing was written; retry with the same Idempotency-Key.");

    static readonly Problem TooBusy = Problem.Unavailable(
        "The counter store is over its load limit for this counter right now. Nothing was written; retry with the same Idempotency-Key after Retry-After.");

    static readonly Problem Unconfirmed = Problem.Unavailable(
        "The counter store did not confirm whether this increment was applied. Retry with the same Idempotency-Key: "
        + "if it was applied, the retry returns its result instead of counting it again.");

    /// <summary>Every request gets its step of the committed plan: its own result, or (a repeat of a key in the batch) the replay of it.</summary>
    public static void Committed(IReadOnlyList<QueuedIncrement> entries, BatchPlan plan, CounterMetrics metrics)
    {
        metrics.Commit(plan.Batch.Increments);
        for (var i = 0; i < entries.Count; i++)
        {
            switch (plan.Steps[i])
            {
                case BatchPlan.Step.Apply apply:
                    entries[i].Reply(new IncrementReply(apply.Result, Replayed: false, apply.Broadcast));
                    break;

                case BatchPlan.Step.Repeat repeat:
                    entries[i].Reply(Idempotency.Replay(entries[i].Request, ((BatchPlan.Step.Apply)plan.Steps[repeat.Of]).Result, metrics));
                    break;
            }
        }
    }

    /// <summary>Answers the request whose key was taken, and its repeats in the batch, from the stored result; removes them from <paramref name="entries"/>.</summary>
    public static void FromRecord(List<QueuedIncrement> entries, BatchPlan plan, CommitOutcome.KeyTaken taken, CounterMetrics metrics)
    {
        var owner = plan.OwnerOfRecord(taken.RecordIndex);
        for (var i = entries.Count - 1; i >= 0; i--)
        {
            if (i == owner || plan.Steps[i] is BatchPlan.Step.Repeat { Of: var of } && of == owner)
            {
                entries[i].Reply(Idempotency.Replay(entries[i].Request, taken.Stored, metrics));
                entries.RemoveAt(i);
            }
        }
    }

    public static void Unavailable(IReadOnlyList<QueuedIncrement> entries, Unavailability why, CounterMetrics metrics)
    {
        var (reason, problem) = why switch
        {
            Unavailability.Store => ("store", StoreUnavailable),
            Unavailability.Deadline => ("deadline", TimedOut),
            Unavailability.Contended => ("contended", Contended),
            _ => ("unconfirmed", Unconfirmed),
        };
        metrics.Unavailable(reason, entries.Count);
        ReplyAll(entries, problem);
    }

    /// <summary>
    /// The store turned the batch away for load for as long as its deadline allowed; nothing was written. Each request
    /// is told its own <c>Retry-After</c>, so that callers refused together do not come back together.
    /// </summary>
    public static void Busy(IReadOnlyList<QueuedIncrement> entries, CommitContext context)
    {
        context.Metrics.Unavailable("busy", entries.Count);
        foreach (var entry in entries)
        {
            entry.Reply(TooBusy with { RetryAfterSeconds = context.Busy.RetryAfterSeconds(context.NextUnit()) });
        }
    }

    public static void Full(IReadOnlyList<QueuedIncrement> entries, StoreLimit limit, CounterMetrics metrics)
    {
        metrics.StoreFull(limit, entries.Count);
        ReplyAll(entries, Problem.InsufficientStorage(limit switch
        {
            StoreLimit.Counters => "This server keeps counters in memory and holds as many counters as it may (LiveCounter:InMemory:MaxCounters). Nothing was written.",
            StoreLimit.Visitors => "This server keeps counters in memory and holds as many visitor totals as it may (LiveCounter:InMemory:MaxVisitors). Nothing was written.",
            _ => "This server keeps counters in memory and holds as many Idempotency-Keys as it may until older ones expire (LiveCounter:InMemory:MaxRecords). Nothing was written.",
        }));
    }

    /// <summary>The <c>outcome</c> tag of <c>livecounter.commit.duration</c>.</summary>
    public static string TagOf(CommitOutcome outcome) => outcome switch
    {
        CommitOutcome.Committed => "committed",
        CommitOutcome.Conflict => "conflict",
        CommitOutcome.KeyTaken => "key_taken",
        CommitOutcome.Full => "full",
        CommitOutcome.Unavailable => "unavailable",
        CommitOutcome.Busy => "busy",
        _ => "unknown",
    };

    static void ReplyAll(IReadOnlyList<QueuedIncrement> entries, Problem problem)
    {
        foreach (var entry in entries)
        {
            entry.Reply(problem);
        }
    }
}

/// <summary>
/// Why a batch is answered 503: each is its own problem text and its own <c>reason</c> on <c>livecounter.unavailable</c>
/// (and <c>busy</c>, <see cref="BatchReplies.Busy"/>, whose answers each carry their own <c>Retry-After</c>).
/// </summary>
internal enum Unavailability
{
    /// <summary>The store could not be reached; nothing was written.</summary>
    Store,

    /// <summary>The deadline passed with nothing sent that could still land.</summary>
    Deadline,

    /// <summary>Conflicts went on past the retry budget; nothing was written.</summary>
    Contended,

    /// <summary>A send of the batch may have landed, and whether it did could not be found out in time.</summary>
    Unconfirmed,
}
