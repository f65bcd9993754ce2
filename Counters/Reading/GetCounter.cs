using LiveCounter.Problems;
using LiveCounter.Storage;

namespace LiveCounter.Reading;

/// <summary>Reads one counter: the sum of its lanes, exact as of the read; a counter never incremented reads as value 0, version 0.</summary>
public sealed class GetCounter(ICounterStore store, TimeProvider time, AnswerDeadline deadline)
{
    static readonly Problem Unavailable = Problem.Unavailable("The counter store is unavailable. Try again shortly.");

    static readonly Problem TimedOut = Problem.Unavailable("The counter store did not answer in time. Try again shortly.");

    public async Task<ProblemOr<CounterSnapshot>> ExecuteAsync(CounterName name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deadline);
        using var bound = new CancellationTokenSource(deadline.Within, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(bound.Token, cancellationToken);
        try
        {
            var lanes = await store.ReadAsync(name, either.Token).ConfigureAwait(false);
            return lanes.Counter;
        }
        catch (CounterStoreUnavailableException)
        {
            return Unavailable;
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return TimedOut;
        }
    }
}
