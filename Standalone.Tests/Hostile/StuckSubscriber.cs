using System.Net.Sockets;
using System.Net.WebSockets;

namespace LiveCounter.Standalone.Tests.Hostile;

/// <summary>
/// A hub client that connects, completes the SignalR handshake and then never reads another byte: the kind of
/// client whose buffers fill up until the server's writes to it can no longer complete.
/// </summary>
/// <remarks>
/// It is a bare <see cref="ClientWebSocket"/> over a socket whose receive buffer is shrunk to 4 KiB before it
/// connects, so the client side soaks up almost nothing; what fills is the server's side: SignalR's and Kestrel's
/// pipes and the server socket's send buffer, about 2 MB in all on a Linux loopback.
/// </remarks>
public sealed class StuckSubscriber : IAsyncDisposable
{
    const int ReceiveBufferBytes = 4096;

    readonly HttpMessageInvoker _invoker;
    readonly ClientWebSocket _socket;

    StuckSubscriber(string connectionId, HttpMessageInvoker invoker, ClientWebSocket socket)
    {
        ConnectionId = connectionId;
        _invoker = invoker;
        _socket = socket;
    }

    public string ConnectionId { get; }

    /// <param name="visitorId">The visitor the connection belongs to, so it also receives that visitor's messages.</param>
    public static async Task<StuckSubscriber> ConnectAsync(Uri server, string visitorId)
    {
        ArgumentNullException.ThrowIfNull(server);
        var cancellationToken = TestContext.Current.CancellationToken;
        var hub = new Uri(server, $"api?visitorId={visitorId}");
        var negotiated = await WebSocketConnectionFactory.NegotiateAsync(hub, cancellationToken);

        var invoker = new HttpMessageInvoker(new SocketsHttpHandler { ConnectCallback = ConnectWithTinyReceiveBufferAsync });
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        try
        {
            await socket.ConnectAsync(WebSocketConnectionFactory.SocketUri(hub, negotiated), invoker, cancellationToken);
            await socket.SendAsync("{\"protocol\":\"json\",\"version\":1}\u001e"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            invoker.Dispose();
            throw;
        }

        // From here on nothing ever calls ReceiveAsync: not even the handshake response is read.
        return new StuckSubscriber(negotiated.ConnectionId, invoker, socket);
    }

    static async ValueTask<Stream> ConnectWithTinyReceiveBufferAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = ReceiveBufferBytes };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Abort();
        _socket.Dispose();
        _invoker.Dispose();
        return ValueTask.CompletedTask;
    }
}
