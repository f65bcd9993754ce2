using System.Collections.Concurrent;
using System.Net.Sockets;

namespace LiveCounter.Standalone.Tests.Browser;

/// <summary>
/// A loopback TCP relay in front of the server that can cut every connection through it and refuse new ones,
/// which is what a dropped network looks like to a browser, while the server itself keeps running.
/// </summary>
public sealed class SocketCutter : IAsyncDisposable
{
    readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    readonly IPEndPoint _target;
    readonly ConcurrentDictionary<Socket, byte> _open = new();
    readonly CancellationTokenSource _stop = new();
    readonly Task _accepting;
    volatile bool _cut;

    public SocketCutter(Uri target)
    {
        ArgumentNullException.ThrowIfNull(target);
        _target = new IPEndPoint(IPAddress.Parse(target.Host), target.Port);
        _listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    public Uri Address { get; }

    /// <summary>Drops every relayed connection and refuses new ones until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        _cut = true;
        foreach (var socket in _open.Keys)
        {
            Close(socket);
        }
    }

    public void Restore() => _cut = false;

    async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (_cut)
            {
                Close(client);
                continue;
            }

            _ = RelayAsync(client);
        }
    }

    async Task RelayAsync(Socket client)
    {
        var server = new Socket(SocketType.Stream, ProtocolType.Tcp);
        _open.TryAdd(client, 0);
        _open.TryAdd(server, 0);
        try
        {
            await server.ConnectAsync(_target, _stop.Token);
            await Task.WhenAny(PumpAsync(client, server), PumpAsync(server, client));
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A cut or a peer closing ends the relay; both sides are closed below.
        }
        finally
        {
            Close(client);
            Close(server);
        }
    }

    async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token)) > 0)
        {
            await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
        }
    }

    void Close(Socket socket)
    {
        _open.TryRemove(socket, out _);
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }

        socket.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Cut();
        await _accepting;
        _stop.Dispose();
    }
}
