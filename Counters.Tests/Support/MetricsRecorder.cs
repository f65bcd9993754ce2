using System.Diagnostics.Metrics;
using LiveCounter.Metrics;

namespace LiveCounter.Tests.Support;

/// <summary>
/// A <see cref="CounterMetrics"/> of its own, and every measurement it makes: instrument, value and its one tag.
/// Only this instance's meter is listened to, so tests running beside each other do not mix.
/// </summary>
public sealed class MetricsRecorder : IMeterFactory
{
    readonly List<Meter> _meters = [];
    readonly MeterListener _listener = new();
    readonly List<(string Instrument, double Value, string? Tag)> _measurements = [];
    readonly List<Instrument> _instruments = [];

    public MetricsRecorder()
    {
        Metrics = new CounterMetrics(this);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (_meters.Contains(instrument.Meter))
            {
                _instruments.Add(instrument);
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    public CounterMetrics Metrics { get; }

    /// <summary>The instruments <see cref="Metrics"/> published, in the order it created them.</summary>
    public IReadOnlyList<Instrument> Instruments => _instruments;

    /// <summary>The sum of an instrument's measurements, for those with <paramref name="tag"/> when one is given.</summary>
    public double Sum(string instrument, string? tag = null)
    {
        lock (_measurements)
        {
            return _measurements.Where(m => m.Instrument == instrument && (tag is null || m.Tag == tag)).Sum(m => m.Value);
        }
    }

    /// <summary>Each measurement of an instrument, in order.</summary>
    public IReadOnlyList<(double Value, string? Tag)> Of(string instrument)
    {
        lock (_measurements)
        {
            return [.. _measurements.Where(m => m.Instrument == instrument).Select(m => (m.Value, m.Tag))];
        }
    }

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options);
        _meters.Add(meter);
        return meter;
    }

    void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        lock (_measurements)
        {
            _measurements.Add((instrument.Name, value, tags.Length == 0 ? null : TagOf(instrument.Name, tags[0])));
        }
    }

    /// <summary>
    /// The tag's value under the one dimension docs/operations.md names for the instrument; a tag under any other
    /// key reads as neither, so a test expecting the value fails.
    /// </summary>
    static string? TagOf(string instrument, KeyValuePair<string, object?> tag)
    {
        var dimension = instrument switch
        {
            "livecounter.commit.duration" => "outcome",
            "livecounter.retries" or "livecounter.unavailable" => "reason",
            "livecounter.store.full" => "limit",
            _ => null,
        };
        return tag.Key == dimension ? tag.Value?.ToString() : $"{tag.Key}={tag.Value} (not a dimension of {instrument})";
    }

    public void Dispose()
    {
        _listener.Dispose();
        foreach (var meter in _meters)
        {
            meter.Dispose();
        }
    }
}
