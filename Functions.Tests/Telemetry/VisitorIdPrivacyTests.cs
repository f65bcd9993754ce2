using System.Text.Json;
using LiveCounter.Functions.Hosting;
using LiveCounter.Functions.Increments;
using LiveCounter.Increments;
using LiveCounter.Metrics;
using LiveCounter.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Moq;

namespace LiveCounter.Functions.Tests.Telemetry;

/// <summary>A visitor id is a bearer secret: it reaches neither the Functions app's logs nor the host's request telemetry.</summary>
public sealed class VisitorIdPrivacyTests
{
    const string Visitor = "7b1e2c3d-4f5a-4b6c-8d7e-9f0a1b2c3d4e";

    /// <summary>
    /// The host records request URLs without their query string unless host.json turns enableQueryStringTracing on
    /// (azure-webjobs-sdk, WebJobsTelemetryInitializer); it stays off here, explicitly, so negotiate's ?visitorId= is never
    /// recorded.
    /// </summary>
    [Fact]
    public void Host_json_keeps_query_strings_out_of_the_request_telemetry()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "host.json")));

        Assert.False(host.RootElement.GetProperty("logging").GetProperty("applicationInsights").GetProperty("enableQueryStringTracing").GetBoolean());
    }

    [Fact]
    public async Task An_increment_that_fails_unexpectedly_logs_no_visitor_id()
    {
        var store = new Mock<ICounterStore>();
        store.Setup(s => s.ReadAsync(It.IsAny<CounterName>(), It.IsAny<CancellationToken>())).ThrowsAsync(new InvalidOperationException("store fault"));
        var logs = new List<string>();
        using var loggers = LoggerFactory.Create(builder => builder.AddProvider(new ListLogger(logs)).SetMinimumLevel(LogLevel.Trace));
        var function = new IncrementCounterFunction(new IncrementCounter(store.Object, TimeProvider.System, CounterMetrics.Unregistered()));
        var http = new DefaultHttpContext { Response = { Body = new MemoryStream() } };
        http.Request.Headers["X-Visitor-Id"] = Visitor;
        http.Request.Body = new MemoryStream();
        var items = new Dictionary<object, object> { ["HttpRequestContext"] = http };
        var context = Mock.Of<FunctionContext>(c => c.FunctionDefinition == Mock.Of<FunctionDefinition>(d => d.Name == "IncrementCounter") && c.Items == items);

        await new UnexpectedFailures(loggers.CreateLogger<UnexpectedFailures>())
            .Invoke(context, _ => function.RunAsync(http.Request, "votes", TestContext.Current.CancellationToken));

        Assert.Equal(500, http.Response.StatusCode);
        Assert.Contains(logs, line => line.Contains("store fault", StringComparison.Ordinal));
        Assert.DoesNotContain(logs, line => line.Contains(Visitor, StringComparison.OrdinalIgnoreCase));
    }

    sealed class ListLogger(List<string> lines) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            lines.Add($"scope: {state}");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Add($"{formatter(state, exception)} {exception}");

        public void Dispose()
        {
        }
    }
}
