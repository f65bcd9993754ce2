using LiveCounter.Problems;
using LiveCounter.Realtime;
using LiveCounter.Storage;
using LiveCounter.Wire;

namespace LiveCounter.Increments;

/// <summary>The increment use case: optimistic concurrency with bounded, jittered retries, and idempotent replays.</summary>
public sealed class IncrementCounter(ICounterStore store, TimeProvider time, RetryPolicy policy, Random random)
{
    public IncrementCounter(ICounterStore store, TimeProvider time)
        : this(store, time, RetryPolicy.Default, Random.Shared)
    {
    }

    public async Task<Outcome<IncrementSuccess>> ExecuteAsync(IncrementRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        for (var attempt = 1; ; attempt++)
        {
            CounterState state;
            try
            {
                state = await store.ReadAsync(request.Name, request.Visitor, cancellationToken).ConfigureAwait(false);
            }
            catch (CounterStoreUnavailableException)
            {
                return StoreUnavailable;
            }

            var pending = Prepare(request, state);
            switch (await store.CommitAsync(pending, cancellationToken).ConfigureAwait(false))
            {
                case CommitOutcome.AppliedOutcome:
                    return new IncrementSuccess(pending.Result, Replayed: false, MessagesFor(pending.Result));

                case CommitOutcome.AlreadyRecorded { Recorded: var recorded }:
                    return recorded.By == request.By
                        ? new IncrementSuccess(recorded, Replayed: true, Messages: [])
                        : KeyReused;

                case CommitOutcome.UnavailableOutcome:
                    return StoreUnavailable;

                case CommitOutcome.ConflictOutcome when attempt >= policy.MaxAttempts:
                    return Contended;

                case CommitOutcome.ConflictOutcome:
                    await Task.Delay(policy.DelayAfter(attempt, random.NextDouble()), time, cancellationToken).ConfigureAwait(false);
                    break;

                default:
                    throw new InvalidOperationException("Unknown commit outcome.");
            }
        }
    }

    PendingIncrement Prepare(IncrementRequest request, CounterState state)
    {
        var counter = state.Counter.After(request.By, time.GetUtcNow());
        var total = request.Visitor is null ? (long?)null : checked(state.VisitorTotal + request.By.Value);
        return new PendingIncrement(state.ConcurrencyToken, request.Key, new IncrementResult(counter, request.By, request.Visitor, total));
    }

    static RealtimeMessage[] MessagesFor(IncrementResult result)
    {
        var updated = new RealtimeMessage(
            CounterHubContract.CounterUpdated,
            new Audience.Group(CounterHubContract.GroupFor(result.Counter.Name)),
            CounterView.From(result.Counter));

        if (result.Visitor is null || result.VisitorTotal is not { } total)
        {
            return [updated];
        }

        var applied = new RealtimeMessage(
            CounterHubContract.IncrementApplied,
            new Audience.User(result.Visitor),
            IncrementAppliedView.From(result, total));
        return [updated, applied];
    }

    static readonly Problem KeyReused = Problem.UnprocessableContent(
        "This Idempotency-Key was already used for an increment with a different by. Use a new key for a new increment.");

    static readonly Problem StoreUnavailable = Problem.Unavailable(
        "The counter store is unavailable. Nothing was written; retry with the same Idempotency-Key.");

    static readonly Problem Contended = Problem.Unavailable(
        "The counter is too busy right now. Nothing was written; retry with the same Idempotency-Key.");
}
