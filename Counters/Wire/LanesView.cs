using System.Collections;
using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using LiveCounter.Storage;

namespace LiveCounter.Wire;

/// <summary>One lane on the wire: its value and its own version.</summary>
public readonly record struct LaneView(long Value, long Version);

/// <summary>
/// The <c>lanes</c> member of every payload that carries a counter: <c>{ "lane-07": { "value", "version" }, … }</c>.
/// Clients keep, per lane, the entry with the highest version they have seen, and show the sums.
/// </summary>
/// <remarks>Equal when every lane is, so that payloads compare by content.</remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1710:Identifiers should have correct suffix", Justification = "Named for the payload member it is, like the other views.")]
[JsonConverter(typeof(LanesViewConverter))]
public sealed class LanesView : IReadOnlyDictionary<string, LaneView>, IEquatable<LanesView>
{
    public static readonly LanesView None = new(ImmutableSortedDictionary.Create<string, LaneView>(StringComparer.Ordinal));

    readonly ImmutableSortedDictionary<string, LaneView> _lanes;

    LanesView(ImmutableSortedDictionary<string, LaneView> lanes) => _lanes = lanes;

    public static LanesView From(LaneTallies lanes)
    {
        ArgumentNullException.ThrowIfNull(lanes);
        return new(lanes.ToImmutableSortedDictionary(lane => lane.Key, lane => new LaneView(lane.Value.Value, lane.Value.Version.Value), StringComparer.Ordinal));
    }

    public static LanesView Of(params (string Lane, long Value, long Version)[] lanes) =>
        new(lanes.ToImmutableSortedDictionary(lane => lane.Lane, lane => new LaneView(lane.Value, lane.Version), StringComparer.Ordinal));

    /// <summary>The sum over the lanes: what a client shows.</summary>
    public LaneView Sum => new(_lanes.Values.Sum(lane => lane.Value), _lanes.Values.Sum(lane => lane.Version));

    /// <summary>
    /// What a client keeps of two payloads: per lane the entry with the higher version. A lane's value and version only
    /// grow, so the merge ignores order, duplicates and stale entries: any order of the same payloads merges to the same.
    /// </summary>
    public LanesView Merge(LanesView other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var merged = _lanes.ToBuilder();
        foreach (var (lane, theirs) in other._lanes)
        {
            if (!merged.TryGetValue(lane, out var mine) || theirs.Version > mine.Version)
            {
                merged[lane] = theirs;
            }
        }

        return new LanesView(merged.ToImmutable());
    }

    public LaneView this[string key] => _lanes[key];

    public IEnumerable<string> Keys => _lanes.Keys;

    public IEnumerable<LaneView> Values => _lanes.Values;

    public int Count => _lanes.Count;

    public bool ContainsKey(string key) => _lanes.ContainsKey(key);

    public bool TryGetValue(string key, out LaneView value) => _lanes.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, LaneView>> GetEnumerator() => _lanes.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(LanesView? other) => other is not null && _lanes.SequenceEqual(other._lanes);

    public override bool Equals(object? obj) => Equals(obj as LanesView);

    public override int GetHashCode() => _lanes.Aggregate(Count, (hash, lane) => HashCode.Combine(hash, lane.Key, lane.Value));

    public override string ToString() => "{ " + string.Join(", ", _lanes.Select(lane => $"{lane.Key}: {lane.Value.Value}@{lane.Value.Version}")) + " }";

    /// <summary>Reads and writes the lanes object; public because the hosts' source-generated JSON contexts instantiate it.</summary>
    public sealed class LanesViewConverter : JsonConverter<LanesView>
    {
        public override LanesView Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new JsonException("lanes must be an object.");
            }

            var lanes = ImmutableSortedDictionary.CreateBuilder<string, LaneView>(StringComparer.Ordinal);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var lane = reader.GetString()!;
                reader.Read();
                lanes[lane] = ReadLane(ref reader);
            }

            return new LanesView(lanes.ToImmutable());
        }

        static LaneView ReadLane(ref Utf8JsonReader reader)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new JsonException("A lane must be an object.");
            }

            long? value = null, version = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var member = reader.GetString();
                reader.Read();
                switch (member)
                {
                    case "value":
                        value = reader.GetInt64();
                        break;
                    case "version":
                        version = reader.GetInt64();
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            return value is { } v && version is { } n ? new LaneView(v, n) : throw new JsonException("A lane needs value and version.");
        }

        public override void Write(Utf8JsonWriter writer, LanesView value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            foreach (var (lane, tally) in value._lanes)
            {
                writer.WriteStartObject(lane);
                writer.WriteNumber("value"u8, tally.Value);
                writer.WriteNumber("version"u8, tally.Version);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }
    }
}
