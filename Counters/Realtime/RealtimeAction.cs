using LiveCounter.Subscriptions;

namespace LiveCounter.Realtime;

/// <summary>What a request asks of the realtime channel: a message to send, or a connection joining or leaving a counter's group.</summary>
public abstract record RealtimeAction
{
    RealtimeAction()
    {
    }

    public sealed record Send(RealtimeMessage Message) : RealtimeAction;

    public sealed record Join(Subscription Subscription) : RealtimeAction;

    public sealed record Leave(Subscription Subscription) : RealtimeAction;
}
