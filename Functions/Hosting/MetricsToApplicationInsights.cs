using System.Diagnostics.Metrics;
using LiveCounter.Metrics;
using Microsoft.ApplicationInsights;
using Microsoft.Extensions.Hosting;

namespace LiveCounter.Functions.Hosting;

/// <summary>
/// Sends the <c>LiveCounter</c> meter's measurements to Application Insights as custom metrics (pre-aggregated per
/// minute by its SDK), each with its one dimension where it has one (outcome, reason).
/// </summary>
/// <remarks>
/// The worker's Application Insights SDK collects its own telemetry but not the System.Diagnostics.Metrics meters of
/// the app, so a listener forwards them. No measurement carries a visitor id or a counter name.
/// </remarks>
public sealed class MetricsToApplicationInsights(TelemetryClient telemetry) : IHostedService, IDisposable
{
    readonly MeterListener _listener = new();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == CounterMetrics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Track(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Track(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Track(instrument, value, tags));
        _listener.Start();
        return Task.CompletedTask;
    }

    void Track(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0)
        {
            telemetry.GetMetric(instrument.Name).TrackValue(value);
        }
        else
        {
            telemetry.GetMetric(instrument.Name, tags[0].Key).TrackValue(value, tags[0].Value?.ToString());
        }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _listener.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _listener.Dispose();
}
