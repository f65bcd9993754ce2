using System.Net;
using System.Text;
using LiveCounter.Functions.Increments;
using LiveCounter.Functions.Tests.Support;
using LiveCounter.Increments;
using LiveCounter.Metrics;
using LiveCounter.Problems;
using LiveCounter.Realtime;
using LiveCounter.Storage;
using LiveCounter.Visitors;
using LiveCounter.Wire;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Xunit;

namespace LiveCounter.Functions.Tests.Increments;

public sealed class IncrementCounterFunctionTests
{
    readonly InMemoryCounterStore _store = new();

    [Fact]
    public async Task AnIncrementAnswers200WithTheNewCounterAndBroadcastsItToTheCountersGroup()
    {
        var output = await RunAsync(FakeHttpRequest.Post("/api/counters/Votes/increment"), "Votes");

        var response = FakeHttpResponse.Of(output.HttpResponse);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.Header("Content-Type"));
        Assert.Null(response.Header(IncrementRequest.ReplayedHeader));
        Assert.Equal(
            """{"name":"votes","value":1,"version":1,"updatedAt":"2025-01-02T03:04:05+00:00","by":1}""",
            response.BodyText);

        var action = Assert.Single(output.Messages!);
        Assert.Equal(CounterHubContract.CounterUpdated, action.Target);
        Assert.Equal("counter:votes", action.GroupName);
        Assert.Null(action.UserId);
        Assert.Null(action.ConnectionId);
        Assert.Equal(new CounterView("votes", 1, 1, FixedTimeProvider.Instant), Assert.Single(action.Arguments!));
    }

    [Fact]
    public async Task AVisitorsIncrementAlsoSendsIncrementAppliedToThatVisitorOnly()
    {
        var request = FakeHttpRequest.Post("/api/counters/votes/increment", """{"by": 5}""")
            .WithHeader(IncrementRequest.VisitorIdHeader, TestVisitors.AliceId);

        var output = await RunAsync(request, "votes");

        var response = FakeHttpResponse.Of(output.HttpResponse);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(
            """{"name":"votes","value":5,"version":1,"updatedAt":"2025-01-02T03:04:05+00:00","by":5,"yourTotal":5}""",
            response.BodyText);

        Assert.Collection(
            output.Messages!,
            updated =>
            {
                Assert.Equal(CounterHubContract.CounterUpdated, updated.Target);
                Assert.Equal("counter:votes", updated.GroupName);
                Assert.Null(updated.UserId);
                Assert.Equal(new CounterView("votes", 5, 1, FixedTimeProvider.Instant), Assert.Single(updated.Arguments!));
            },
            applied =>
            {
                Assert.Equal(CounterHubContract.IncrementApplied, applied.Target);
                Assert.Equal(TestVisitors.AliceId, applied.UserId);
                Assert.Null(applied.GroupName);
                Assert.Equal(new IncrementAppliedView("votes", 5, 1, 5, 5), Assert.Single(applied.Arguments!));
            });
    }

    [Fact]
    public async Task AReplayedKeyAnswersTheFirstResultWithIdempotentReplayedAndBroadcastsNothing()
    {
        var first = await RunAsync(KeyedRequest("k-1", """{"by": 2}"""), "votes");
        var replay = await RunAsync(KeyedRequest("k-1", """{"by": 2}"""), "votes");

        var response = FakeHttpResponse.Of(replay.HttpResponse);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("true", response.Header(IncrementRequest.ReplayedHeader));
        Assert.Equal(FakeHttpResponse.Of(first.HttpResponse).BodyText, response.BodyText);
        Assert.Null(replay.Messages);
        Assert.Equal(2, (await ReadAsync("votes")).Counter.Value);
    }

    [Fact]
    public async Task AKeyReusedWithAnotherByIs422AndBroadcastsNothing()
    {
        await RunAsync(KeyedRequest("k-1", """{"by": 2}"""), "votes");

        var output = await RunAsync(KeyedRequest("k-1", """{"by": 3}"""), "votes");

        ProblemAssert.IsProblem(FakeHttpResponse.Of(output.HttpResponse), HttpStatusCode.UnprocessableEntity);
        Assert.Null(output.Messages);
        Assert.Equal(2, (await ReadAsync("votes")).Counter.Value);
    }

    [Theory]
    [InlineData("Not_A_Name", "", null, null)]
    [InlineData("votes", """{"by": 0}""", null, null)]
    [InlineData("votes", """{"by": 1.5}""", null, null)]
    [InlineData("votes", "not json", null, null)]
    [InlineData("votes", "", "has spaces", null)]
    [InlineData("votes", "", null, "not-a-uuid")]
    [InlineData("votes", "", null, "3F2B8C1E-5D4A-4B7E-9C2F-1A6D8E0B4C7A")]
    public async Task AnInvalidRequestIs400AndWritesAndBroadcastsNothing(string name, string body, string? key, string? visitor)
    {
        var request = FakeHttpRequest.Post($"/api/counters/{name}/increment", body);
        if (key is not null)
        {
            request.WithHeader(IncrementRequest.IdempotencyKeyHeader, key);
        }

        if (visitor is not null)
        {
            request.WithHeader(IncrementRequest.VisitorIdHeader, visitor);
        }

        var output = await RunAsync(request, name);

        ProblemAssert.IsProblem(FakeHttpResponse.Of(output.HttpResponse), HttpStatusCode.BadRequest);
        Assert.Null(output.Messages);
        Assert.Equal(0, (await ReadAsync("votes")).Counter.Value);
    }

    [Fact]
    public async Task ABodyOver1KiBIs413()
    {
        var body = Encoding.UTF8.GetBytes("{\"by\": 1" + new string(' ', RequestBody.MaxBytes) + "}");

        var output = await RunAsync(FakeHttpRequest.Post("/api/counters/votes/increment", body), "votes");

        ProblemAssert.IsProblem(FakeHttpResponse.Of(output.HttpResponse), HttpStatusCode.RequestEntityTooLarge);
        Assert.Null(output.Messages);
    }

    [Fact]
    public async Task ADeclaredLengthOver1KiBIs413BeforeTheBodyIsRead()
    {
        var request = FakeHttpRequest.Post("/api/counters/votes/increment", """{"by": 1}""")
            .WithHeader("Content-Length", "5000");

        var output = await RunAsync(request, "votes");

        ProblemAssert.IsProblem(FakeHttpResponse.Of(output.HttpResponse), HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task AnUnavailableStoreIs503WithRetryAfterAndBroadcastsNothing()
    {
        var store = new Mock<ICounterStore>();
        store.Setup(s => s.ReadAsync(It.IsAny<CounterName>(), It.IsAny<CancellationToken>()))
            .Returns(() => ValueTask.FromException<CounterState>(new CounterStoreUnavailableException()));

        var output = await RunAsync(FakeHttpRequest.Post("/api/counters/votes/increment"), "votes", store.Object);

        ProblemAssert.IsProblem(FakeHttpResponse.Of(output.HttpResponse), HttpStatusCode.ServiceUnavailable);
        Assert.Null(output.Messages);
    }

    [Fact]
    public async Task AnUnexpectedFailureIsA500ProblemThatRevealsNothing()
    {
        var store = new Mock<ICounterStore>();
        store.Setup(s => s.ReadAsync(It.IsAny<CounterName>(), It.IsAny<CancellationToken>()))
            .Returns(() => ValueTask.FromException<CounterState>(new InvalidOperationException("secret internals")));

        var output = await RunAsync(FakeHttpRequest.Post("/api/counters/votes/increment"), "votes", store.Object);

        var response = FakeHttpResponse.Of(output.HttpResponse);
        ProblemAssert.IsProblem(response, HttpStatusCode.InternalServerError);
        Assert.Equal(Problem.InternalError().Detail, ProblemAssert.Detail(response));
        Assert.DoesNotContain("secret", response.BodyText, StringComparison.Ordinal);
        Assert.Null(output.Messages);
    }

    static FakeHttpRequest KeyedRequest(string key, string body) =>
        FakeHttpRequest.Post("/api/counters/votes/increment", body).WithHeader(IncrementRequest.IdempotencyKeyHeader, key);

    Task<IncrementOutput> RunAsync(FakeHttpRequest request, string name, ICounterStore? store = null)
    {
        var increment = new IncrementCounter(store ?? _store, new FixedTimeProvider(), CounterMetrics.Unregistered());
        var function = new IncrementCounterFunction(increment, NullLogger<IncrementCounterFunction>.Instance);
        return function.RunAsync(request, name, TestContext.Current.CancellationToken);
    }

    async Task<CounterState> ReadAsync(string name) =>
        await _store.ReadAsync(CounterName.Parse(name).Value!, TestContext.Current.CancellationToken);
}
