using LiveCounter.Problems;
using LiveCounter.Subscriptions;

namespace LiveCounter.Api.Subscriptions;

/// <summary>
/// The gate of a host that cannot see its connections (Azure SignalR Service in Serverless mode, behind Functions):
/// every well-formed subscription is admitted, and the service applies its own limits.
/// </summary>
public sealed class UnseenConnections : ISubscriptionGate
{
    public Task<Problem?> AdmitAsync(Subscription subscription, CancellationToken cancellationToken) => Task.FromResult<Problem?>(null);

    public void Leave(Subscription subscription)
    {
    }
}
