namespace LiveCounter;

/// <summary>How many increments a counter (or one of its lanes) has applied; it rises by exactly one per increment.</summary>
/// <remarks>
/// A counter's version is the sum of its lanes' versions. Clients keep the highest version they have seen, which
/// makes duplicate and reordered messages harmless.
/// </remarks>
public readonly record struct CounterVersion(long Value) : IComparable<CounterVersion>
{
    public static readonly CounterVersion None = new(0);

    public CounterVersion Next() => new(checked(Value + 1));

    public CounterVersion Plus(CounterVersion other) => new(checked(Value + other.Value));

    public int CompareTo(CounterVersion other) => Value.CompareTo(other.Value);

    public static bool operator <(CounterVersion left, CounterVersion right) => left.Value < right.Value;

    public static bool operator >(CounterVersion left, CounterVersion right) => left.Value > right.Value;

    public static bool operator <=(CounterVersion left, CounterVersion right) => left.Value <= right.Value;

    public static bool operator >=(CounterVersion left, CounterVersion right) => left.Value >= right.Value;

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
