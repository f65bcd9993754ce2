using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Security.Cryptography;
using Azure.Data.Tables;

namespace LiveCounter.Tables.Testing;

/// <summary>
/// A real Table service for tests: Azurite's table emulator in memory, on a free loopback port, under an account with a
/// key made up for this run (so no well-known key appears anywhere), stopped when disposed.
/// </summary>
public sealed class Azurite : IAsyncDisposable
{
    const string Account = "livecounter";
    static readonly TimeSpan StartPatience = TimeSpan.FromSeconds(30);

    readonly string _key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
    Process? _process;

    Azurite(int port) => Port = port;

    public int Port { get; }

    public Uri TableEndpoint => new($"http://127.0.0.1:{Port}/{Account}");

    /// <summary>The connection string a store uses to reach this emulator, directly or through <paramref name="port"/>.</summary>
    public string ConnectionString(int? port = null) =>
        $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={_key};TableEndpoint=http://127.0.0.1:{port ?? Port}/{Account};";

    public static async Task<Azurite> StartAsync(CancellationToken cancellationToken = default)
    {
        var azurite = new Azurite(LoopbackPort.Free());
        await azurite.RestartAsync(cancellationToken);
        return azurite;
    }

    /// <summary>A counters table of its own for one test, created empty; reached through <paramref name="port"/> when given (a proxy).</summary>
    public async Task<CounterTable> CreateCounterTableAsync(int? port = null, CancellationToken cancellationToken = default)
    {
        var name = "t" + Guid.NewGuid().ToString("N");
        await new TableServiceClient(ConnectionString()).CreateTableAsync(name, cancellationToken);
        return CounterTable.Connect(ConnectionString(port), name);
    }

    /// <summary>Another client of an existing table, as a second process would have (through <paramref name="port"/> when given).</summary>
    public CounterTable Open(CounterTable table, int? port = null) =>
        CounterTable.Connect(ConnectionString(port), (table ?? throw new ArgumentNullException(nameof(table))).Reads.Name);

    /// <summary>Kills the emulator at once, mid-request if need be; being in memory, it forgets everything.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>Starts (again) on the same port, empty, and returns once it accepts connections.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync();
        var start = new ProcessStartInfo("node")
        {
            ArgumentList =
            {
                Path.Combine(InstallDirectory(), "node_modules", "azurite", "dist", "src", "table", "main.js"),
                "--tableHost", "127.0.0.1", "--tablePort", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--inMemoryPersistence", "--skipApiVersionCheck", "--disableTelemetry", "--silent",
            },
            Environment = { ["AZURITE_ACCOUNTS"] = $"{Account}:{_key}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("node could not be started.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitUntilListeningAsync(cancellationToken);
    }

    Task WaitUntilListeningAsync(CancellationToken cancellationToken) =>
        LoopbackPort.WaitUntilListeningAsync(_process ?? throw new InvalidOperationException("Not started."), Port, StartPatience, cancellationToken);

    static string InstallDirectory()
    {
        var directory = typeof(Azurite).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(attribute => attribute.Key == "AzuriteDirectory").Value!;
        return Directory.Exists(Path.Combine(directory, "node_modules", "azurite"))
            ? directory
            : throw new InvalidOperationException($"Azurite is not installed in {directory}: run npm ci there (building Tables.Testing does).");
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process?.Dispose();
    }
}
