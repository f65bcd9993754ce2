using Azure;
using Azure.Identity;
using LiveCounter.Tables;
using Xunit;

namespace LiveCounter.Tables.Tests;

/// <summary><see cref="StoreFailures"/> tells an outage of the Table service (503, retry later) from a fault (a bug, 500).</summary>
public sealed class OutageOrFaultTests
{
    [Theory]
    [InlineData(0, true)]
    [InlineData(408, true)]
    [InlineData(429, true)]
    [InlineData(500, true)]
    [InlineData(503, true)]
    [InlineData(400, false)]
    [InlineData(403, false)]
    [InlineData(409, false)]
    [InlineData(412, false)]
    public void Only_server_side_throttling_and_network_statuses_are_outages(int status, bool unavailable)
    {
        Assert.Equal(unavailable, StoreFailures.IsUnavailable(new RequestFailedException(status, "failed"), TestContext.Current.CancellationToken));
    }

    [Fact]
    public void A_missing_table_is_an_outage_but_a_missing_entity_is_not()
    {
        Assert.True(StoreFailures.IsUnavailable(
            new RequestFailedException(404, "missing", "TableNotFound", null), TestContext.Current.CancellationToken));
        Assert.False(StoreFailures.IsUnavailable(
            new RequestFailedException(404, "missing", "ResourceNotFound", null), TestContext.Current.CancellationToken));
    }

    [Fact]
    public void A_timeout_is_an_outage_but_the_caller_s_own_cancellation_is_not()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.True(StoreFailures.IsUnavailable(new TaskCanceledException(), TestContext.Current.CancellationToken));
        Assert.False(StoreFailures.IsUnavailable(new TaskCanceledException(), cancelled.Token));
    }

    [Fact]
    public void Identity_and_network_failures_are_outages_and_bugs_are_not()
    {
        Assert.True(StoreFailures.IsUnavailable(new AuthenticationFailedException("no token"), TestContext.Current.CancellationToken));
        Assert.True(StoreFailures.IsUnavailable(new HttpRequestException("reset"), TestContext.Current.CancellationToken));
        Assert.True(StoreFailures.IsUnavailable(
            new AggregateException(new RequestFailedException(503, "busy"), new HttpRequestException("reset")), TestContext.Current.CancellationToken));
        Assert.False(StoreFailures.IsUnavailable(
            new AggregateException(new RequestFailedException(503, "busy"), new InvalidOperationException("bug")), TestContext.Current.CancellationToken));
        Assert.False(StoreFailures.IsUnavailable(new InvalidOperationException("bug"), TestContext.Current.CancellationToken));
    }

    /// <summary>Only the service's own throttling code proves a request was turned away before it was handled.</summary>
    [Theory]
    [InlineData(503, "ServerBusy", true)]
    [InlineData(503, null, false)]
    [InlineData(503, "ServiceUnavailable", false)]
    [InlineData(500, "OperationTimedOut", false)]
    [InlineData(500, "ServerBusy", false)]
    public void Only_a_503_server_busy_is_the_service_turning_a_request_away_for_load(int status, string? code, bool busy)
    {
        Assert.Equal(busy, StoreFailures.IsServerBusy(new RequestFailedException(status, "failed", code, null)));
    }
}
