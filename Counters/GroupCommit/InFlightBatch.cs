namespace LiveCounter.GroupCommit;

/// <summary>One batch on its way to the store: its requests still unanswered, the plan being sent, and what may have landed.</summary>
internal sealed class InFlightBatch(List<QueuedIncrement> entries)
{
    public List<QueuedIncrement> Entries { get; } = entries;

    /// <summary>When its first request arrived: the batch's deadline runs from here, whichever requests are left in it.</summary>
    public long ArrivedAt { get; } = entries[0].ArrivedAt;

    /// <summary>Tries in a row the store has turned away for load (reads to plan it included); none since the last that got through.</summary>
    public int Refusals { get; set; }

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
