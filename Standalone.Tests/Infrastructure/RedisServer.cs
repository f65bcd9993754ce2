using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using LiveCounter.Tables.Testing;

namespace LiveCounter.Standalone.Tests.Infrastructure;

/// <summary>
/// A real Redis for tests (Debian's <c>redis-server</c>) on a free loopback port, in memory only, that can be stopped,
/// frozen and started again on the same port; stopped when disposed.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    static readonly TimeSpan StartPatience = TimeSpan.FromSeconds(30);

    Process? _process;

    RedisServer(int port) => Port = port;

    public int Port { get; }

    /// <summary>The StackExchange.Redis configuration string for <c>RealtimeBackplane</c>.</summary>
    public string Configuration => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    public static async Task<RedisServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var redis = new RedisServer(LoopbackPort.Free());
        await redis.RestartAsync(cancellationToken);
        return redis;
    }

    /// <summary>Kills the server at once; its clients see their connections closed.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>Freezes the server (SIGSTOP): connections stay open and nothing is answered, like a host that stopped responding.</summary>
    public Task FreezeAsync() => SignalAsync("-STOP");

    /// <summary>Lets a frozen server go on (SIGCONT).</summary>
    public Task ThawAsync() => SignalAsync("-CONT");

    /// <summary>Starts (again) on the same port, empty, and returns once it accepts connections.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync();
        _process?.Dispose();
        var start = new ProcessStartInfo("redis-server")
        {
            ArgumentList =
            {
                "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                "--save", string.Empty, "--appendonly", "no",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        try
        {
            _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server could not be started.");
        }
        catch (System.ComponentModel.Win32Exception missing)
        {
            throw new InvalidOperationException("redis-server is not installed: apt-get install redis-server (.ci/run does).", missing);
        }

        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitUntilListeningAsync(cancellationToken);
    }

    async Task SignalAsync(string signal)
    {
        var process = _process ?? throw new InvalidOperationException("Not started.");
        using var kill = Process.Start(new ProcessStartInfo("kill", [signal, process.Id.ToString(CultureInfo.InvariantCulture)]))
            ?? throw new InvalidOperationException("kill could not be started.");
        await kill.WaitForExitAsync();
    }

    Task WaitUntilListeningAsync(CancellationToken cancellationToken) =>
        LoopbackPort.WaitUntilListeningAsync(_process ?? throw new InvalidOperationException("Not started."), Port, StartPatience, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process?.Dispose();
    }
}
