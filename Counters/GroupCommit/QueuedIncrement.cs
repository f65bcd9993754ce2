using LiveCounter.Increments;
using LiveCounter.Problems;

namespace LiveCounter.GroupCommit;

/// <summary>One request waiting in a lane: answered exactly once, by its batch, or cancelled while it is still queued.</summary>
internal sealed class QueuedIncrement(IncrementRequest request, long arrivedAt)
{
    readonly TaskCompletionSource<ProblemOr<IncrementReply>> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    CancellationTokenRegistration _cancellation;

    public IncrementRequest Request { get; } = request;

    /// <summary>When it arrived (a <see cref="TimeProvider"/> timestamp): its deadline runs from here.</summary>
    public long ArrivedAt { get; } = arrivedAt;

    public Task<ProblemOr<IncrementReply>> Answer => _answer.Task;

    /// <summary>Calls <paramref name="onCancel"/> if the caller gives up; the lane decides whether it still may.</summary>
    public void WatchCancellation(Action<QueuedIncrement> onCancel, CancellationToken cancellationToken) =>
        _cancellation = cancellationToken.UnsafeRegister(
            static state =>
            {
                var (handler, queued) = ((Action<QueuedIncrement>, QueuedIncrement))state!;
                handler(queued);
            },
            (onCancel, this));

    public void Reply(ProblemOr<IncrementReply> outcome)
    {
        // Unregister, not Dispose: Dispose would wait for a running callback, which may be waiting for the lane's lock.
        _cancellation.Unregister();
        _answer.TrySetResult(outcome);
    }

    public void Fail(Exception exception)
    {
        _cancellation.Unregister();
        _answer.TrySetException(exception);
    }

    /// <summary>Only for a request its caller took back before any batch took it.</summary>
    public void Cancel() => _answer.TrySetCanceled(_cancellation.Token);
}
