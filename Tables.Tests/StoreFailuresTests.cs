using Azure;
using Azure.Identity;
using LiveCounter.Tables;
using Xunit;

namespace LiveCounter.Tables.Tests;

public sealed class StoreFailuresTests
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
    public void OnlyServerSideThrottlingAndNetworkStatusesAreOutages(int status, bool unavailable)
    {
        Assert.Equal(unavailable, StoreFailures.IsUnavailable(new RequestFailedException(status, "failed"), TestContext.Current.CancellationToken));
    }

    [Fact]
    public void AMissingTableIsAnOutageButAMissingEntityIsNot()
    {
        Assert.True(StoreFailures.IsUnavailable(
            new RequestFailedException(404, "missing", "TableNotFound", null), TestContext.Current.CancellationToken));
        Assert.False(StoreFailures.IsUnavailable(
            new RequestFailedException(404, "missing", "ResourceNotFound", null), TestContext.Current.CancellationToken));
    }

    [Fact]
    public void ATimeoutIsAnOutageButTheCallersOwnCancellationIsNot()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.True(StoreFailures.IsUnavailable(new TaskCanceledException(), TestContext.Current.CancellationToken));
        Assert.False(StoreFailures.IsUnavailable(new TaskCanceledException(), cancelled.Token));
    }

    [Fact]
    public void IdentityAndNetworkFailuresAreOutagesAndBugsAreNot()
    {
        Assert.True(StoreFailures.IsUnavailable(new AuthenticationFailedException("no token"), TestContext.Current.CancellationToken));
        Assert.True(StoreFailures.IsUnavailable(new HttpRequestException("reset"), TestContext.Current.CancellationToken));
        Assert.True(StoreFailures.IsUnavailable(
            new AggregateException(new RequestFailedException(503, "busy"), new HttpRequestException("reset")), TestContext.Current.CancellationToken));
        Assert.False(StoreFailures.IsUnavailable(
            new AggregateException(new RequestFailedException(503, "busy"), new InvalidOperationException("bug")), TestContext.Current.CancellationToken));
        Assert.False(StoreFailures.IsUnavailable(new InvalidOperationException("bug"), TestContext.Current.CancellationToken));
    }
}
