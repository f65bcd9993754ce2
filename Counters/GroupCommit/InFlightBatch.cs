namespace LiveCounter.GroupCommit;

/// <summary>
/// One batch on its way to the store: its requests still unanswered, the plan being sent, what may have landed, and
/// the waits between its tries.
/// </summary>
internal sealed class InFlightBatch(List<QueuedIncrement> entries)
{
    public List<QueuedIncrement> Entries { get; } = entries;

    /// <summary>When its first request arrived: the batch's deadline runs from here, whichever requests are left in it.</summary>
    public long ArrivedAt { get; } = entries[0].ArrivedAt;

    /// <summary>Tries in a row the store has turned away for load (reads to plan it included); none since the last that got through.</summary>
    public int Refusals { get; private set; }

    public BatchPlan? Plan { get; set; }

    /// <summary>An earlier send of the plan may have landed, or still may: its answer was lost.</summary>
    public bool InDoubt { get; private set; }

    /// <summary>A send is under way; cut off now, it too may land.</summary>
    public bool Sending { get; set; }

    /// <summary>Tries so far, the one under way included.</summary>
    public int Attempts { get; private set; } = 1;

    public bool MayHaveLanded => InDoubt || Sending;

    /// <summary>A definite refusal: no earlier send can land any more, so the batch is planned again from what is known then.</summary>
    public void Refused()
    {
        InDoubt = false;
        Plan = null;
    }

    /// <summary>A try was not turned away for load: the next busy answer starts the waits afresh.</summary>
    public void GotThrough() => Refusals = 0;

    /// <summary>The answer was lost: the very same batch goes again.</summary>
    public void Lost()
    {
        InDoubt = true;
        Plan = Plan!.SentAgain();
    }

    /// <summary>
    /// Waits before a try the store turned away for load goes again; false, at once, when the wait and one more send
    /// (taking about <paramref name="lastSend"/>) would not end within the deadline: a send the deadline cuts off may
    /// land, and would leave its requests unconfirmed where now they can be told that nothing was written.
    /// </summary>
    public async Task<bool> BackOffAsync(CommitContext context, TimeSpan lastSend, CancellationToken deadline)
    {
        Refusals++;
        var delay = context.Busy.DelayAfter(Refusals, context.NextUnit());
        if (delay + lastSend >= context.Deadline.LeftFor(ArrivedAt, context.Time))
        {
            return false;
        }

        context.Metrics.Retry("busy");
        await Task.Delay(delay, context.Time, deadline).ConfigureAwait(false);
        return true;
    }

    /// <summary>Each retry, after a conflict or a lost answer, within the batch's budget: false once it is spent.</summary>
    public async Task<bool> RetryAsync(CommitContext context, string reason, CancellationToken deadline)
    {
        if (Attempts >= context.Policy.MaxAttempts)
        {
            return false;
        }

        context.Metrics.Retry(reason);
        await Task.Delay(context.Policy.DelayAfter(Attempts, context.NextUnit()), context.Time, deadline).ConfigureAwait(false);
        Attempts++;
        return true;
    }
}
