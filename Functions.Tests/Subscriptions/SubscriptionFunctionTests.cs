using System.Net;
using LiveCounter.Functions.Subscriptions;
using LiveCounter.Functions.Tests.Support;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace LiveCounter.Functions.Tests.Subscriptions;

public sealed class SubscriptionFunctionTests
{
    const string ConnectionId = "Jk2Lm9_Qw-3xYz.4=";

    [Fact]
    public async Task SubscribingAddsTheConnectionToTheCountersGroupAndAnswers204()
    {
        var output = await SubscribeAsync("Votes", $$"""{"connectionId":"{{ConnectionId}}"}""");

        var response = FakeHttpResponse.Of(output.HttpResponse);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(response.BodyText);
        var action = Assert.IsType<SignalRGroupAction>(output.GroupAction);
        Assert.Equal(SignalRGroupActionType.Add, action.Action);
        Assert.Equal(ConnectionId, action.ConnectionId);
        Assert.Equal("counter:votes", action.GroupName);
        Assert.Null(action.UserId);
    }

    [Theory]
    [InlineData("votes", """{"connectionId":"has spaces"}""")]
    [InlineData("votes", """{"connectionId":""}""")]
    [InlineData("votes", """{"connection":"abc"}""")]
    [InlineData("votes", "not json")]
    [InlineData("votes", "")]
    [InlineData("bad_name", """{"connectionId":"abc"}""")]
    public async Task AMalformedSubscriptionIs400AndChangesNoGroup(string name, string body)
    {
        var output = await SubscribeAsync(name, body);

        ProblemAssert.IsProblem(FakeHttpResponse.Of(output.HttpResponse), HttpStatusCode.BadRequest);
        Assert.Null(output.GroupAction);
    }

    [Fact]
    public async Task ASubscriptionBodyOver1KiBIs413()
    {
        var output = await SubscribeAsync("votes", $$"""{"connectionId":"{{new string('a', 2000)}}"}""");

        ProblemAssert.IsProblem(FakeHttpResponse.Of(output.HttpResponse), HttpStatusCode.RequestEntityTooLarge);
        Assert.Null(output.GroupAction);
    }

    [Fact]
    public async Task UnsubscribingRemovesTheConnectionFromTheCountersGroupAndAnswers204()
    {
        var output = await UnsubscribeAsync("Votes", ConnectionId);

        Assert.Equal(HttpStatusCode.NoContent, FakeHttpResponse.Of(output.HttpResponse).StatusCode);
        var action = Assert.IsType<SignalRGroupAction>(output.GroupAction);
        Assert.Equal(SignalRGroupActionType.Remove, action.Action);
        Assert.Equal(ConnectionId, action.ConnectionId);
        Assert.Equal("counter:votes", action.GroupName);
        Assert.Null(action.UserId);
    }

    [Theory]
    [InlineData("votes", "has spaces")]
    [InlineData("votes", "slash/inside")]
    [InlineData("bad_name", "abc")]
    public async Task AMalformedUnsubscriptionIs400AndChangesNoGroup(string name, string connectionId)
    {
        var output = await UnsubscribeAsync(name, connectionId);

        ProblemAssert.IsProblem(FakeHttpResponse.Of(output.HttpResponse), HttpStatusCode.BadRequest);
        Assert.Null(output.GroupAction);
    }

    static Task<SubscriptionOutput> SubscribeAsync(string name, string body) =>
        new SubscribeFunction(NullLogger<SubscribeFunction>.Instance).RunAsync(
            FakeHttpRequest.Post($"/api/counters/{name}/subscriptions", body), name, TestContext.Current.CancellationToken);

    static Task<SubscriptionOutput> UnsubscribeAsync(string name, string connectionId) =>
        new UnsubscribeFunction(NullLogger<UnsubscribeFunction>.Instance).RunAsync(
            FakeHttpRequest.Delete($"/api/counters/{name}/subscriptions/{Uri.EscapeDataString(connectionId)}"),
            name,
            connectionId,
            TestContext.Current.CancellationToken);
}
