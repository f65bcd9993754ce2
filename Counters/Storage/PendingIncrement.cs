using LiveCounter.Increments;

namespace LiveCounter.Storage;

/// <summary>One increment ready to commit: the state it was computed from and everything it will write.</summary>
/// <param name="ExpectedToken">The token of the state read; the commit fails with a conflict if it changed.</param>
/// <param name="Result">The new counter, amount and visitor total; also the record kept under <paramref name="Key"/>.</param>
public sealed record PendingIncrement(string? ExpectedToken, IdempotencyKey? Key, IncrementResult Result)
{
    public CounterName Name => Result.Counter.Name;
}
