using LiveCounter.Functions.Hosting;
using LiveCounter.Increments;
using LiveCounter.Metrics;
using LiveCounter.Storage;
using Microsoft.ApplicationInsights;
using Microsoft.ApplicationInsights.Channel;
using Microsoft.ApplicationInsights.DataContracts;
using Microsoft.ApplicationInsights.Extensibility;

namespace LiveCounter.Functions.Tests.Hosting;

/// <summary>The <c>LiveCounter</c> meter reaches Application Insights as custom metrics, with their one dimension.</summary>
public sealed class MetricsToApplicationInsightsTests : IDisposable
{
    readonly SentTelemetry _sent = new();
    readonly TelemetryConfiguration _configuration;
    readonly TelemetryClient _telemetry;
    readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    public MetricsToApplicationInsightsTests()
    {
        _configuration = new TelemetryConfiguration { TelemetryChannel = _sent, ConnectionString = "InstrumentationKey=00000000-0000-0000-0000-000000000000" };
        _telemetry = new TelemetryClient(_configuration);
    }

    [Fact]
    public async Task An_increment_is_sent_as_the_meters_metrics_with_the_outcome_as_a_dimension()
    {
        using var forwarder = new MetricsToApplicationInsights(_telemetry);
        await forwarder.StartAsync(_ct);

        await IncrementOnceAsync();
        _telemetry.Flush();

        var metrics = _sent.Items.OfType<MetricTelemetry>().ToList();
        Assert.Contains(metrics, m => m.Name == "livecounter.commits" && m.Sum >= 1);
        Assert.Contains(metrics, m => m.Name == "livecounter.increments" && m.Sum >= 1);
        Assert.Contains(metrics, m => m.Name == "livecounter.batch.size" && m.Count >= 1);
        Assert.Contains(metrics, m => m.Name == "livecounter.commit.duration" && m.Properties.TryGetValue("outcome", out var outcome) && outcome == "committed");
    }

    [Fact]
    public async Task Nothing_is_forwarded_once_the_host_stops_it()
    {
        using var forwarder = new MetricsToApplicationInsights(_telemetry);
        await forwarder.StartAsync(_ct);
        await forwarder.StopAsync(_ct);

        await IncrementOnceAsync();
        _telemetry.Flush();

        Assert.Empty(_sent.Items.OfType<MetricTelemetry>());
    }

    async Task IncrementOnceAsync()
    {
        var increment = new IncrementCounter(new InMemoryCounterStore(), TimeProvider.System, CounterMetrics.Unregistered());
        var request = IncrementRequest.Parse("metrics", "{}"u8, idempotencyKey: null, visitorId: null).Value!;
        Assert.True((await increment.ExecuteAsync(request, _ct)).Succeeded);
    }

    public void Dispose() => _configuration.Dispose();

    sealed class SentTelemetry : ITelemetryChannel
    {
        readonly List<ITelemetry> _items = [];

        public IReadOnlyList<ITelemetry> Items
        {
            get
            {
                lock (_items)
                {
                    return [.. _items];
                }
            }
        }

        public bool? DeveloperMode { get; set; }

        public string EndpointAddress { get; set; } = string.Empty;

        public void Send(ITelemetry item)
        {
            lock (_items)
            {
                _items.Add(item);
            }
        }

        public void Flush()
        {
        }

        public void Dispose()
        {
        }
    }
}
