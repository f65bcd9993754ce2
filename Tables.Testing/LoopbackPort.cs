using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace LiveCounter.Tables.Testing;

/// <summary>The loopback ports of the servers tests start as processes of their own (Azurite, Redis).</summary>
public static class LoopbackPort
{
    /// <summary>A port nobody listens on now, for a server that cannot report the one it would pick for port 0.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits until <paramref name="server"/> accepts connections on <paramref name="port"/>; fails when it exits first or takes longer than <paramref name="patience"/>.</summary>
    public static async Task WaitUntilListeningAsync(Process server, int port, TimeSpan patience, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (server.HasExited)
            {
                throw new InvalidOperationException($"{server.StartInfo.FileName} exited with code {server.ExitCode} before it listened on port {port}.");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return;
            }
            catch (SocketException) when (waited.Elapsed < patience)
            {
                await Task.Delay(50, cancellationToken);
            }
        }
    }
}
