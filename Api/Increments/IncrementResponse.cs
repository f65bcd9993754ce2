using LiveCounter.Api.Http;
using LiveCounter.Realtime;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LiveCounter.Api.Increments;

/// <summary>
/// The HTTP layer's result of an increment, what <see cref="IncrementHandler"/> returns: the HTTP response (200
/// <see cref="IncrementOk"/> or a problem), and what its host sends over SignalR with it (Standalone through its hub,
/// Functions through the SignalR output binding). A failed request sends nothing.
/// </summary>
public sealed record IncrementResponse(Results<IncrementOk, ProblemResult> Result, Broadcast Broadcast);
