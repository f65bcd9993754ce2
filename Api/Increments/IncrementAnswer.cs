using LiveCounter.Api.Http;
using LiveCounter.Realtime;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LiveCounter.Api.Increments;

/// <summary>
/// What <see cref="IncrementHandler"/> answers: the HTTP result, and what its host sends over SignalR with it
/// (Standalone through its hub, Functions through the SignalR output binding). A failed request sends nothing.
/// </summary>
public sealed record IncrementAnswer(Results<IncrementOk, ProblemResult> Result, Broadcast Broadcast);
