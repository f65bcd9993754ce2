using LiveCounter.Problems;
using LiveCounter.Subscriptions;

namespace LiveCounter.Api.Subscriptions;

/// <summary>What a host knows about its connections when they join and leave counters' groups.</summary>
public interface ISubscriptionGate
{
    /// <summary>Null when the connection may join the counter's group now; otherwise the problem to answer.</summary>
    Task<Problem?> AdmitAsync(Subscription subscription, CancellationToken cancellationToken);

    /// <summary>The connection leaves the counter's group.</summary>
    void Leave(Subscription subscription);
}
