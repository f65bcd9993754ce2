using System.Collections;
using System.Collections.Immutable;

namespace LiveCounter.Storage;

/// <summary>
/// A counter lane by lane, as one commit or read saw it: what every payload that carries a counter carries, so that a
/// client can merge what several processes send (per lane the highest version) instead of trusting one sum.
/// </summary>
/// <remarks>
/// Keyed by the lane's name on the wire and in the Table (<c>lane-NN</c>, and <see cref="Legacy"/> for the row from
/// before lanes); an entry is present only once its lane was written, so a counter never incremented has none. Equal
/// when every lane's value and version are: when a lane was last written is not part of what it counts.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1710:Identifiers should have correct suffix", Justification = "A counter's lanes, named as the design names them; a collection only to be enumerated.")]
public sealed class LaneTallies : IReadOnlyCollection<KeyValuePair<string, Tally>>, IEquatable<LaneTallies>
{
    /// <summary>The name of the counter's one row from before lanes: read as one more lane, never written.</summary>
    public const string Legacy = "state";

    /// <summary>Every lane's name starts with this.</summary>
    public const string LanePrefix = "lane-";

    /// <summary>Every lane, and the legacy row.</summary>
    public const int MaxCount = LaneId.Count + 1;

    public static readonly LaneTallies None = new(ImmutableSortedDictionary.Create<string, Tally>(StringComparer.Ordinal));

    readonly ImmutableSortedDictionary<string, Tally> _lanes;

    LaneTallies(ImmutableSortedDictionary<string, Tally> lanes)
    {
        _lanes = lanes;
        Sum = lanes.Values.Aggregate(Tally.Zero, (sum, lane) => sum.Plus(lane));
    }

    /// <summary>The counter: every lane added up.</summary>
    public Tally Sum { get; }

    public int Count => _lanes.Count;

    public static string NameOf(LaneId lane) => LanePrefix + lane.ToString();

    /// <summary>These lanes with <paramref name="lane"/> as <paramref name="tally"/>; a lane never written (version 0) is left out.</summary>
    public LaneTallies With(LaneId lane, Tally tally) => With(NameOf(lane), tally);

    /// <summary>These lanes with the legacy row as <paramref name="tally"/>, left out when it was never written.</summary>
    public LaneTallies WithLegacy(Tally tally) => With(Legacy, tally);

    public LaneTallies Without(LaneId lane) => new(_lanes.Remove(NameOf(lane)));

    /// <exception cref="ArgumentException"><paramref name="name"/> is neither a lane's nor <see cref="Legacy"/>.</exception>
    public LaneTallies With(string name, Tally tally)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!IsLaneName(name))
        {
            throw new ArgumentException($"'{name}' names no lane.", nameof(name));
        }

        return tally.Version == CounterVersion.None ? new(_lanes.Remove(name)) : new(_lanes.SetItem(name, tally));
    }

    /// <summary>A lane's name as this type and the wire write it (<c>lane-NN</c>), or <see cref="Legacy"/>.</summary>
    public static bool IsLaneName(string name) =>
        name == Legacy || (name.Length == LanePrefix.Length + 2 && TryParseLane(name, out _));

    /// <summary>The lane <paramref name="name"/> (<c>lane-</c> and a number below <see cref="LaneId.Count"/>) names.</summary>
    public static bool TryParseLane(string name, out LaneId lane)
    {
        ArgumentNullException.ThrowIfNull(name);
        lane = default;
        if (!name.StartsWith(LanePrefix, StringComparison.Ordinal)
            || !int.TryParse(name.AsSpan(LanePrefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
            || id >= LaneId.Count)
        {
            return false;
        }

        lane = LaneId.Of(id);
        return true;
    }

    public IEnumerator<KeyValuePair<string, Tally>> GetEnumerator() => _lanes.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(LaneTallies? other) =>
        other is not null && other.Count == Count && _lanes.All(lane => other._lanes.TryGetValue(lane.Key, out var theirs)
            && (theirs.Value, theirs.Version) == (lane.Value.Value, lane.Value.Version));

    public override bool Equals(object? obj) => Equals(obj as LaneTallies);

    public override int GetHashCode() => HashCode.Combine(Count, Sum.Value, Sum.Version);

    public override string ToString() => string.Join(", ", _lanes.Select(lane => $"{lane.Key}: {lane.Value.Value}@{lane.Value.Version}"));
}
