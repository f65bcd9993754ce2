using LiveCounter.Visitors;

namespace LiveCounter.Realtime;

/// <summary>One SignalR invocation a use case asks its host to send.</summary>
public sealed record RealtimeMessage(string Target, Audience To, object Argument);

/// <summary>Who receives a <see cref="RealtimeMessage"/>.</summary>
public abstract record Audience
{
    Audience()
    {
    }

    /// <summary>Every connection in a SignalR group.</summary>
    public sealed record Group(string Name) : Audience;

    /// <summary>Every connection of one SignalR user: for us, one visitor.</summary>
    public sealed record User(VisitorId Visitor) : Audience;
}
