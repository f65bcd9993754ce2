using LiveCounter.Api.Increments;
using Microsoft.Extensions.Time.Testing;

namespace LiveCounter.Standalone.Tests.Api;

public sealed class RetentionTests
{
    /// <summary>
    /// Standalone sweeps on its own while it runs: once a key's record is older than the window (24 h by default), the
    /// same request is a new increment. The clock is a fake one the test moves, so the sweep's timer fires when it does.
    /// </summary>
    [Fact]
    public async Task A_replay_after_the_retention_window_has_passed_is_a_new_increment()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = new LiveCounterServer().WithTime(time);
        await server.InitializeAsync();
        using var http = server.CreateHttpClient();
        await http.IncrementOkAsync("kept", key: "k", cancellationToken: ct);

        using var within = await http.IncrementAsync("kept", "{\"by\":1}", key: "k", cancellationToken: ct);
        Assert.True(within.Headers.Contains(IncrementOk.ReplayedHeader));

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            time.Advance(TimeSpan.FromHours(25));
            var after = await http.IncrementOkAsync("kept", key: "k", cancellationToken: ct);
            if (after.Version == 2)
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, "The expired record was never swept.");
            await Task.Delay(20, ct);
        }
    }
}
