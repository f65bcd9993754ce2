using LiveCounter.Increments;
using LiveCounter.Metrics;
using LiveCounter.Storage;

namespace LiveCounter.GroupCommit;

/// <summary>What every lane writer of one process shares.</summary>
/// <param name="Salt">This process's own random number: it spreads processes over a counter's lanes without their talking to each other.</param>
internal sealed record CommitContext(
    ICounterStore Store,
    TimeProvider Time,
    RetryPolicy Policy,
    BusyBackoff Busy,
    AnswerDeadline Deadline,
    TimeSpan RecordRetention,
    VisitorTotalsCache Visitors,
    int Salt,
    Random Random,
    CounterMetrics Metrics)
{
    /// <summary>A backoff's random share; locked, because the writers of many counters draw at once and a seeded <see cref="System.Random"/> is not thread-safe.</summary>
    public double NextUnit()
    {
        lock (Random)
        {
            return Random.NextDouble();
        }
    }

    public LaneId MoveFrom(LaneId lane)
    {
        lock (Random)
        {
            return lane.Other(Random);
        }
    }
}
