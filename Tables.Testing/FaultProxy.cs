using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;

namespace LiveCounter.Tables.Testing;

/// <summary>
/// A TCP proxy between a store and its Table service that fails the way networks do, on command: it loses the answer
/// of a chosen request after the service has handled it, it can go dark (cut every connection, refuse new ones), and
/// it can hang (keep every connection open and answer nothing).
/// </summary>
/// <remarks>HTTP/1.1 from one client sends one request at a time per connection, so a request is recognised by its first bytes.</remarks>
public sealed class FaultProxy : IAsyncDisposable
{
    readonly int _target;
    TcpListener _listener;
    readonly CancellationTokenSource _stop = new();
    readonly Lock _lock = new();
    readonly List<TcpClient> _open = [];
    readonly Task _accepting;
    int _answersToLose;
    Func<string, bool> _losesAnswerOf = _ => false;
    bool _dark;
    bool _hung;

    FaultProxy(int target)
    {
        _target = target;
        _listener = Listen(0);
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>How many answers were lost so far.</summary>
    public int AnswersLost { get; private set; }

    public static FaultProxy To(int targetPort) => new(targetPort);

    /// <summary>The next <paramref name="count"/> requests whose start (request line, headers) matches lose their answers.</summary>
    public void LoseAnswers(int count, Func<string, bool> request)
    {
        lock (_lock)
        {
            _answersToLose = count;
            _losesAnswerOf = request;
        }
    }

    /// <summary>Entity-group transactions: <c>POST …/$batch</c>.</summary>
    public static bool IsTransaction(string request) =>
        request.StartsWith("POST ", StringComparison.Ordinal) && request.Contains("$batch", StringComparison.Ordinal);

    /// <summary>
    /// As if the service had stopped: cuts every open connection mid-whatever and stops listening, so new connections
    /// are refused, until <see cref="Light"/>.
    /// </summary>
    public void GoDark()
    {
        lock (_lock)
        {
            _dark = true;
            _listener.Stop();
            foreach (var connection in _open)
            {
                Reset(connection);
            }

            _open.Clear();
        }
    }

    /// <summary>
    /// As if the service had hung: connections stay open and new ones are accepted, but nothing sent from now on is
    /// forwarded, so nothing is ever answered, until <see cref="Resume"/>.
    /// </summary>
    public void Hang()
    {
        lock (_lock)
        {
            _hung = true;
        }
    }

    public void Resume()
    {
        lock (_lock)
        {
            _hung = false;
        }
    }

    bool Hung
    {
        get
        {
            lock (_lock)
            {
                return _hung;
            }
        }
    }

    /// <summary>Listens again, on the same port.</summary>
    public void Light()
    {
        lock (_lock)
        {
            _dark = false;
            _listener = Listen(Port);
        }

        _ = AcceptAsync();
    }

    static TcpListener Listen(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        return listener;
    }

    async Task AcceptAsync()
    {
        TcpListener listener;
        lock (_lock)
        {
            listener = _listener;
        }

        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = RelayAsync(client);
        }
    }

    async Task RelayAsync(TcpClient client)
    {
        var server = new TcpClient();
        lock (_lock)
        {
            if (_dark)
            {
                Reset(client);
                return;
            }

            _open.Add(client);
            _open.Add(server);
        }

        try
        {
            await server.ConnectAsync(IPAddress.Loopback, _target, _stop.Token);
            var loseNextAnswer = new StrongBox<bool>();
            await Task.WhenAny(
                PumpAsync(client, server, chunk =>
                {
                    loseNextAnswer.Value |= Marks(chunk);
                    return false;
                }),
                PumpAsync(server, client, _ => loseNextAnswer.Value));
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A cut connection: the client sees whatever the cut left.
        }
        finally
        {
            lock (_lock)
            {
                _open.Remove(client);
                _open.Remove(server);
            }

            Reset(client);
            Reset(server);
        }
    }

    /// <summary>Whether this chunk starts a request whose answer must be lost (and counts it).</summary>
    bool Marks(ReadOnlySpan<byte> chunk)
    {
        var start = Encoding.Latin1.GetString(chunk[..Math.Min(chunk.Length, 2048)]);
        lock (_lock)
        {
            if (_answersToLose == 0 || !_losesAnswerOf(start))
            {
                return false;
            }

            _answersToLose--;
            AnswersLost++;
            return true;
        }
    }

    /// <summary>Copies <paramref name="from"/> to <paramref name="to"/>; stops, cutting both, when <paramref name="cut"/> says so for a chunk.</summary>
    async Task PumpAsync(TcpClient from, TcpClient to, Func<byte[], bool> cut)
    {
        var buffer = new byte[64 * 1024];
        var source = from.GetStream();
        var target = to.GetStream();
        int read;
        while ((read = await source.ReadAsync(buffer, _stop.Token)) > 0)
        {
            if (cut(buffer[..read]))
            {
                return;
            }

            if (Hung)
            {
                continue;
            }

            await target.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
        }
    }

    static void Reset(TcpClient connection)
    {
        try
        {
            connection.Client.LingerState = new LingerOption(true, 0);
            connection.Close();
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already gone.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        GoDark();
        await _accepting;
        _stop.Dispose();
    }
}
