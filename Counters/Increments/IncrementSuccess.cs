using LiveCounter.Realtime;

namespace LiveCounter.Increments;

/// <summary>A successful increment: its result, whether it was a replay, and the messages the host must send.</summary>
/// <param name="Messages">Empty on a replay: the first request already broadcast this increment.</param>
public sealed record IncrementSuccess(IncrementResult Result, bool Replayed, IReadOnlyList<RealtimeMessage> Messages);
