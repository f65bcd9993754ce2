using System.Net;
using LiveCounter.Functions.Reading;
using LiveCounter.Functions.Tests.Support;
using LiveCounter.Increments;
using LiveCounter.Metrics;
using LiveCounter.Reading;
using LiveCounter.Storage;
using LiveCounter.Visitors;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Xunit;

namespace LiveCounter.Functions.Tests.Reading;

public sealed class GetCounterFunctionTests
{
    readonly InMemoryCounterStore _store = new();

    [Fact]
    public async Task ACounterNeverIncrementedReadsAsValueZeroVersionZeroNeverUpdated()
    {
        var response = FakeHttpResponse.Of(await RunAsync("fresh"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.Header("Content-Type"));
        Assert.Equal("""{"name":"fresh","value":0,"version":0,"updatedAt":null}""", response.BodyText);
    }

    [Fact]
    public async Task ANameIsMatchedCaseInsensitivelyAndAnsweredInLowerCase()
    {
        var increment = new IncrementCounter(_store, new FixedTimeProvider(), CounterMetrics.Unregistered());
        await increment.ExecuteAsync(IncrementRequest.Parse("votes", [], null, null).Value!, TestContext.Current.CancellationToken);

        var response = FakeHttpResponse.Of(await RunAsync("VOTES"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"name":"votes","value":1,"version":1,"updatedAt":"2025-01-02T03:04:05+00:00"}""", response.BodyText);
    }

    [Theory]
    [InlineData("-starts-with-a-dash")]
    [InlineData("has_underscore")]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901234")]
    public async Task AMalformedNameIs400(string name)
    {
        ProblemAssert.IsProblem(FakeHttpResponse.Of(await RunAsync(name)), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task AnUnavailableStoreIs503WithRetryAfter()
    {
        var store = new Mock<ICounterStore>();
        store.Setup(s => s.ReadAsync(It.IsAny<CounterName>(), It.IsAny<CancellationToken>()))
            .Returns(() => ValueTask.FromException<CounterState>(new CounterStoreUnavailableException()));

        ProblemAssert.IsProblem(FakeHttpResponse.Of(await RunAsync("votes", store.Object)), HttpStatusCode.ServiceUnavailable);
    }

    [Fact]
    public async Task AnUnexpectedFailureIsA500Problem()
    {
        var store = new Mock<ICounterStore>();
        store.Setup(s => s.ReadAsync(It.IsAny<CounterName>(), It.IsAny<CancellationToken>()))
            .Returns(() => ValueTask.FromException<CounterState>(new InvalidOperationException("secret internals")));

        var response = FakeHttpResponse.Of(await RunAsync("votes", store.Object));

        ProblemAssert.IsProblem(response, HttpStatusCode.InternalServerError);
        Assert.DoesNotContain("secret", response.BodyText, StringComparison.Ordinal);
    }

    Task<HttpResponseData> RunAsync(string name, ICounterStore? store = null)
    {
        var function = new GetCounterFunction(new GetCounter(store ?? _store), NullLogger<GetCounterFunction>.Instance);
        return function.RunAsync(FakeHttpRequest.Get("/api/counters/" + name), name, TestContext.Current.CancellationToken);
    }
}
