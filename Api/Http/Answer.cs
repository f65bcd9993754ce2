using LiveCounter.Realtime;

namespace LiveCounter.Api.Http;

/// <summary>
/// What a handler answers: the HTTP result, and the realtime actions its host carries out with it (Standalone through
/// its hub, Functions through SignalR output bindings). A failed request has none.
/// </summary>
public sealed record Answer<TResult>(TResult Result, IReadOnlyList<RealtimeAction> Actions)
    where TResult : IResult
{
    public static implicit operator Answer<TResult>(TResult result) => new(result, []);
}
