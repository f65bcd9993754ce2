using System.IO.Pipelines;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace LiveCounter.Standalone.Tests.Infrastructure;

/// <summary>
/// Connects the SignalR .NET client core to a hub over a real WebSocket: negotiate first (so the client learns
/// the connection id it must subscribe with), then open the socket with the negotiated token.
/// </summary>
/// <remarks>The full client's HTTP transport package is not available here; this is the part of it the tests need.</remarks>
public sealed class WebSocketConnectionFactory : IConnectionFactory
{
    static readonly HttpClient Http = new();

    public async ValueTask<ConnectionContext> ConnectAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        var hub = ((UriEndPoint)endpoint).Uri;
        var negotiated = await NegotiateAsync(hub, cancellationToken);

        var socket = new ClientWebSocket();
        await socket.ConnectAsync(SocketUri(hub, negotiated), cancellationToken);
        return new WebSocketConnection(negotiated.ConnectionId, socket);
    }

    /// <summary>The hub's negotiate call: the connection id to subscribe with and the token to connect with.</summary>
    /// <param name="hub">The hub address with its query, e.g. <c>http://127.0.0.1:5080/api?visitorId=…</c>.</param>
    public static async Task<Negotiation> NegotiateAsync(Uri hub, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hub);
        var negotiateUri = new UriBuilder(hub) { Path = hub.AbsolutePath.TrimEnd('/') + "/negotiate", Query = WithQuery(hub, "negotiateVersion=1") }.Uri;
        using var response = await Http.PostAsync(negotiateUri, content: null, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"Negotiate answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}", null, response.StatusCode);
        }

        return await response.Content.ReadFromJsonAsync<Negotiation>(cancellationToken)
            ?? throw new InvalidOperationException("Negotiate returned no body.");
    }

    /// <summary>Where the WebSocket of a negotiated connection opens: the hub address, its query, and the token.</summary>
    public static Uri SocketUri(Uri hub, Negotiation negotiated)
    {
        ArgumentNullException.ThrowIfNull(hub);
        ArgumentNullException.ThrowIfNull(negotiated);
        return new UriBuilder(hub)
        {
            Scheme = hub.Scheme == "https" ? "wss" : "ws",
            Query = WithQuery(hub, $"id={Uri.EscapeDataString(negotiated.ConnectionToken)}"),
        }.Uri;
    }

    static string WithQuery(Uri hub, string parameter)
    {
        var query = hub.Query.TrimStart('?');
        return query.Length == 0 ? parameter : $"{query}&{parameter}";
    }

    public sealed record Negotiation(
        [property: JsonPropertyName("connectionId")] string ConnectionId,
        [property: JsonPropertyName("connectionToken")] string ConnectionToken);

    /// <summary>Pumps bytes between the socket and the pipes the hub connection reads and writes.</summary>
    sealed class WebSocketConnection : ConnectionContext
    {
        readonly WebSocket _socket;
        readonly Pipe _incoming = new();
        readonly Pipe _outgoing = new();
        readonly CancellationTokenSource _stop = new();
        readonly Task _pumps;

        public WebSocketConnection(string connectionId, WebSocket socket)
        {
            ConnectionId = connectionId;
            _socket = socket;
            Transport = new DuplexPipe(_incoming.Reader, _outgoing.Writer);
            _pumps = Task.WhenAll(ReceiveAsync(), SendAsync());
        }

        public override string ConnectionId { get; set; }

        public override IFeatureCollection Features { get; } = new FeatureCollection();

        public override IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();

        public override IDuplexPipe Transport { get; set; }

        public override void Abort() => _socket.Abort();

        public override async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _socket.Abort();
            await _pumps.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _socket.Dispose();
            _stop.Dispose();
            await base.DisposeAsync();
        }

        async Task ReceiveAsync()
        {
            try
            {
                while (true)
                {
                    var memory = _incoming.Writer.GetMemory(4096);
                    var received = await _socket.ReceiveAsync(memory, _stop.Token);
                    if (received.MessageType == WebSocketMessageType.Close)
                    {
                        break;
                    }

                    _incoming.Writer.Advance(received.Count);
                    if ((await _incoming.Writer.FlushAsync(_stop.Token)).IsCompleted)
                    {
                        break;
                    }
                }
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // The socket is gone: completing the pipe tells the hub connection it closed.
            }
            finally
            {
                await _incoming.Writer.CompleteAsync();
            }
        }

        async Task SendAsync()
        {
            try
            {
                while (true)
                {
                    var read = await _outgoing.Reader.ReadAsync(_stop.Token);
                    foreach (var segment in read.Buffer)
                    {
                        await _socket.SendAsync(segment, WebSocketMessageType.Text, endOfMessage: true, _stop.Token);
                    }

                    _outgoing.Reader.AdvanceTo(read.Buffer.End);
                    if (read.IsCompleted)
                    {
                        break;
                    }
                }

                if (_socket.State == WebSocketState.Open)
                {
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, _stop.Token);
                }
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // Nothing more can be sent on a closed socket.
            }
            finally
            {
                await _outgoing.Reader.CompleteAsync();
            }
        }
    }

    sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
