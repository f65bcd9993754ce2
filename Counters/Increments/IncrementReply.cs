using LiveCounter.Realtime;

namespace LiveCounter.Increments;

/// <summary>What the increment use case answers when it succeeds: the result, whether it was a replay, and what the host must send.</summary>
/// <param name="Broadcast">Nothing on a replay: the first request already broadcast this increment.</param>
public sealed record IncrementReply(IncrementResult Result, bool Replayed, Broadcast Broadcast);
