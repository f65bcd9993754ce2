namespace LiveCounter;

/// <summary>How many increments a counter has applied; it rises by exactly one per increment.</summary>
/// <remarks>Clients keep the highest version they have seen, which makes duplicate and reordered messages harmless.</remarks>
public readonly record struct Version(long Value) : IComparable<Version>
{
    public static readonly Version None = new(0);

    public Version Next() => new(checked(Value + 1));

    public int CompareTo(Version other) => Value.CompareTo(other.Value);

    public static bool operator <(Version left, Version right) => left.Value < right.Value;

    public static bool operator >(Version left, Version right) => left.Value > right.Value;

    public static bool operator <=(Version left, Version right) => left.Value <= right.Value;

    public static bool operator >=(Version left, Version right) => left.Value >= right.Value;

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
