using System.Globalization;

namespace LiveCounter.Storage;

/// <summary>
/// One of the <see cref="Count"/> lanes of a counter: a row that one process at a time adds its increments of that
/// counter to, so processes commit side by side instead of racing for one row.
/// </summary>
/// <remarks>
/// A process starts on a lane drawn from its own random salt and the counter's name, so processes spread over the
/// lanes without talking to each other; one that finds another process on its lane (a conflict there) moves to
/// another at random. A lane never shrinks, so the counter stays exact whichever lanes its processes use over time.
/// </remarks>
public readonly record struct LaneId
{
    /// <summary>Enough that a few dozen processes on one counter rarely share a lane; a read of a counter reads them all.</summary>
    public const int Count = 32;

    LaneId(int value) => Value = value;

    public int Value { get; }

    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is not 0 to 31.</exception>
    public static LaneId Of(int value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(value, Count);
        return new LaneId(value);
    }

    /// <summary>The lane a process whose salt is <paramref name="salt"/> starts on for <paramref name="counter"/>.</summary>
    /// <remarks>
    /// FNV-1a of the salt and the name, then murmur3's finaliser, then the lane its high bits fall in. FNV-1a alone
    /// will not do: its low bits depend only on the low bits of each byte, so its value modulo 32 made the name merely
    /// permute the lanes, and two processes met on every counter they shared or on none. The finaliser makes every
    /// bit of the result depend on every bit of the input. Not <see cref="HashCode"/>, whose seed changes with every
    /// process: the same salt must give the same lanes in every run, so a seeded test or benchmark can be run again
    /// exactly.
    /// </remarks>
    public static LaneId FirstFor(CounterName counter, int salt)
    {
        ArgumentNullException.ThrowIfNull(counter);
        var hash = 2166136261u;
        foreach (var octet in BitConverter.GetBytes(salt).Concat(System.Text.Encoding.ASCII.GetBytes(counter.Value)))
        {
            hash = (hash ^ octet) * 16777619u;
        }

        hash ^= hash >> 16;
        hash *= 0x85ebca6bu;
        hash ^= hash >> 13;
        hash *= 0xc2b2ae35u;
        hash ^= hash >> 16;
        return new LaneId((int)((ulong)hash * Count >> 32));
    }

    /// <summary>Any lane but this one, at random: where a process goes when another one turned up on its lane.</summary>
    public LaneId Other(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return new LaneId((Value + 1 + random.Next(Count - 1)) % Count);
    }

    public override string ToString() => Value.ToString("00", CultureInfo.InvariantCulture);
}
