using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using LiveCounter.Storage;
using LiveCounter.Tests.Support;
using static LiveCounter.Tests.Support.Requests;

namespace LiveCounter.Tables.Tests;

/// <summary>
/// The Table store against a service that answers every request as Table Storage answers throttling (503, <c>ServerBusy</c>
/// in <c>x-ms-error-code</c> and in an OData JSON error), over the wire through the SDK as configured
/// (<see cref="CounterTable.Connect(string, string)"/>): a transaction is sent once and is busy; a read is retried by
/// the SDK, then says it was busy.
/// </summary>
public sealed class BusyServiceTests : IAsyncDisposable
{
    readonly BusyService _service = new();
    readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    TableCounterStore Store() => new(CounterTable.Connect(
        $"DefaultEndpointsProtocol=http;AccountName=busy;AccountKey={Convert.ToBase64String(RandomNumberGenerator.GetBytes(64))};"
        + $"TableEndpoint=http://127.0.0.1:{_service.Port}/busy;"));

    [Fact]
    public async Task A_commit_the_service_throttles_is_sent_once_and_is_busy()
    {
        var outcome = await Store().CommitAsync(Batches.On(CounterLanes.None(Hits), (1, "a", Alice)), _ct);

        Assert.IsType<CommitOutcome.Busy>(outcome);
        Assert.Equal(["POST /busy/$batch"], _service.Requests);
    }

    [Fact]
    public async Task A_read_the_service_throttles_is_retried_three_times_by_the_sdk_then_says_it_was_busy()
    {
        var failure = await Assert.ThrowsAsync<CounterStoreUnavailableException>(async () => await Store().ReadAsync(Hits, _ct));

        Assert.True(failure.Busy);
        Assert.Equal(4, _service.Requests.Count);
        Assert.All(_service.Requests, request => Assert.StartsWith("GET /busy/counters()", request, StringComparison.Ordinal));
    }

    public ValueTask DisposeAsync() => _service.DisposeAsync();

    /// <summary>A loopback HTTP/1.1 server that reads each request whole and answers it 503 ServerBusy on the same connection.</summary>
    sealed class BusyService : IAsyncDisposable
    {
        const string Error = """{"odata.error":{"code":"ServerBusy","message":{"lang":"en-US","value":"The server is busy."}}}""";

        static readonly byte[] Answer = Encoding.ASCII.GetBytes(
            "HTTP/1.1 503 Server Busy\r\nContent-Type: application/json;odata=minimalmetadata;charset=utf-8\r\nx-ms-error-code: ServerBusy\r\n"
            + $"Content-Length: {Error.Length}\r\n\r\n{Error}");

        readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        readonly CancellationTokenSource _stop = new();
        readonly List<string> _requests = [];
        readonly Task _accepting;

        public BusyService()
        {
            _listener.Start();
            _accepting = AcceptAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        /// <summary>Each request's method and target, in order.</summary>
        public IReadOnlyList<string> Requests
        {
            get
            {
                lock (_requests)
                {
                    return [.. _requests];
                }
            }
        }

        async Task AcceptAsync()
        {
            var connections = new List<Task>();
            try
            {
                while (true)
                {
                    connections.Add(ServeAsync(await _listener.AcceptTcpClientAsync(_stop.Token)));
                }
            }
            catch (OperationCanceledException)
            {
                await Task.WhenAll(connections);
            }
        }

        async Task ServeAsync(TcpClient client)
        {
            using var _ = client;
            var stream = client.GetStream();
            var buffer = new List<byte>();
            var chunk = new byte[16 * 1024];
            try
            {
                while (true)
                {
                    int end;
                    while ((end = IndexOfHeadEnd(buffer)) < 0)
                    {
                        var read = await stream.ReadAsync(chunk, _stop.Token);
                        if (read == 0)
                        {
                            return;
                        }

                        buffer.AddRange(chunk.AsSpan(0, read));
                    }

                    var head = Encoding.ASCII.GetString([.. buffer.GetRange(0, end)]);
                    var length = head.Split("\r\n").Select(line => line.Split(':', 2)).Where(pair => pair.Length == 2 && pair[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                        .Select(pair => int.Parse(pair[1].Trim(), System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
                    while (buffer.Count < end + 4 + length)
                    {
                        var read = await stream.ReadAsync(chunk, _stop.Token);
                        if (read == 0)
                        {
                            return;
                        }

                        buffer.AddRange(chunk.AsSpan(0, read));
                    }

                    buffer.RemoveRange(0, end + 4 + length);
                    lock (_requests)
                    {
                        var requestLine = head[..head.IndexOf("\r\n", StringComparison.Ordinal)].Split(' ');
                        _requests.Add($"{requestLine[0]} {requestLine[1]}");
                    }

                    await stream.WriteAsync(Answer, _stop.Token);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
                // The test is over, or the client went.
            }
        }

        static int IndexOfHeadEnd(List<byte> buffer)
        {
            for (var i = 0; i + 3 < buffer.Count; i++)
            {
                if (buffer[i] == '\r' && buffer[i + 1] == '\n' && buffer[i + 2] == '\r' && buffer[i + 3] == '\n')
                {
                    return i;
                }
            }

            return -1;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _accepting;
            _stop.Dispose();
        }
    }
}
