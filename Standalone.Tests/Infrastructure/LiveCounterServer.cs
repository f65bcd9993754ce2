using LiveCounter.Api.Http;
using LiveCounter.Standalone.Hosting;
using LiveCounter.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace LiveCounter.Standalone.Tests.Infrastructure;

/// <summary>
/// A real Standalone on Kestrel at a free loopback port, on the in-memory store: tests talk to it over real HTTP and
/// WebSockets. <see cref="TableLiveCounterServer"/> is the same on the Table store.
/// </summary>
public class LiveCounterServer : WebApplicationFactory<Program>, IAsyncLifetime
{
    readonly Dictionary<string, string> _settings = [];
    ICounterStore? _store;
    ILoggerProvider? _logs;
    TimeProvider? _time;

    public LiveCounterServer()
    {
        // The port comes from UseUrls below; UseKestrel(0) would also set an address and race the server's start.
        UseKestrel();
    }

    /// <summary>Replaces the in-memory store, for tests of an unavailable or failing store.</summary>
    public LiveCounterServer WithStore(ICounterStore store)
    {
        _store = store;
        return this;
    }

    /// <summary>Sets one app setting, as <c>--key=value</c> on the command line would.</summary>
    public LiveCounterServer WithSetting(string key, string value)
    {
        _settings[key] = value;
        return this;
    }

    /// <summary>Replaces the clock, for tests of what happens as time passes (retention).</summary>
    public LiveCounterServer WithTime(TimeProvider time)
    {
        _time = time;
        return this;
    }

    /// <summary>Captures every log line at every level, for tests of what the server writes to its logs.</summary>
    public LiveCounterServer WithLogs(ILoggerProvider logs)
    {
        _logs = logs;
        return this;
    }

    public Uri BaseAddress { get; private set; } = null!;

    public virtual ValueTask InitializeAsync()
    {
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        BaseAddress = new Uri(addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/");
        return ValueTask.CompletedTask;
    }

    public HttpClient CreateHttpClient() => new() { BaseAddress = BaseAddress };

    /// <summary>A started hub connection at /api, as <paramref name="visitorId"/>, or as a new visitor when none is given.</summary>
    public async Task<HubConnection> ConnectAsync(string? visitorId = null, CancellationToken cancellationToken = default)
    {
        var hub = new Uri(BaseAddress, $"api?visitorId={visitorId ?? Guid.NewGuid().ToString("D")}");
        var builder = new HubConnectionBuilder();
        builder.Services.AddSingleton<Microsoft.AspNetCore.Connections.IConnectionFactory>(new WebSocketConnectionFactory());
        builder.Services.AddSingleton<EndPoint>(new Microsoft.AspNetCore.Connections.UriEndPoint(hub));
        builder.AddJsonProtocol(options => LiveCounter.Api.Http.ApiJson.Apply(options.PayloadSerializerOptions));
        var connection = builder.Build();
        await connection.StartAsync(cancellationToken);
        return connection;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseUrls("http://127.0.0.1:0");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging =>
        {
            if (_logs is null)
            {
                // appsettings.json turns the per-request line on by name, which a minimum level alone does not override;
                // tests that send tens of thousands of requests must not pay for it.
                logging.SetMinimumLevel(LogLevel.Warning).AddFilter(RequestLogging.Category, LogLevel.Warning);
                return;
            }

            logging.SetMinimumLevel(LogLevel.Trace).AddFilter(_ => true).AddProvider(_logs);
        });
        if (_store is not null)
        {
            builder.ConfigureServices(services => services.Replace(ServiceDescriptor.Singleton(_store)));
        }

        if (_time is not null)
        {
            builder.ConfigureServices(services => services.Replace(ServiceDescriptor.Singleton(_time)));
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
