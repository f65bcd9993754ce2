using LiveCounter.Realtime;

namespace LiveCounter.Increments;

/// <summary>
/// The use case's result of an increment when it succeeds (Counters' layer; the HTTP layer's is <c>IncrementResponse</c>):
/// the increment's result, whether it was a replay, and what the host must send.
/// </summary>
/// <param name="Broadcast">Nothing on a replay: the first request already broadcast this increment.</param>
public sealed record IncrementReply(IncrementResult Result, bool Replayed, Broadcast Broadcast);
