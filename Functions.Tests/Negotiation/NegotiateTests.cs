using System.Net;
using System.Reflection;
using LiveCounter.Functions.Negotiation;
using LiveCounter.Functions.Tests.Support;
using LiveCounter.Realtime;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace LiveCounter.Functions.Tests.Negotiation;

public sealed class NegotiateTests
{
    const string ConnectionInfo = """{"url":"http://localhost:8888/client/?hub=counter","accessToken":"a.b.c"}""";

    readonly NegotiateFunction _function = new(NullLogger<NegotiateFunction>.Instance);

    [Fact]
    public void TheConnectionInfoBindingIsTheCounterHubWithTheVisitorAsSignalRUser()
    {
        var parameter = typeof(NegotiateFunction).GetMethod(nameof(NegotiateFunction.RunAsync))!
            .GetParameters().Single(p => p.GetCustomAttribute<SignalRConnectionInfoInputAttribute>() is not null);
        var binding = parameter.GetCustomAttribute<SignalRConnectionInfoInputAttribute>()!;

        Assert.Equal(CounterHubContract.Name, binding.HubName);
        Assert.Equal("{query.visitorId}", binding.UserId);
    }

    [Fact]
    public async Task AVisitorGetsTheBindingsUrlAndAccessTokenAsCamelCaseJson()
    {
        var response = FakeHttpResponse.Of(await _function.RunAsync(
            FakeHttpRequest.Post($"/api/negotiate?visitorId={TestVisitors.AliceId}"), ConnectionInfo, TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.Header("Content-Type"));
        Assert.Equal(ConnectionInfo, response.BodyText);
    }

    [Theory]
    [InlineData("visitorId=")]
    [InlineData("visitorId=not-a-uuid")]
    [InlineData("visitorId=3F2B8C1E-5D4A-4B7E-9C2F-1A6D8E0B4C7A")]
    [InlineData("visitorId=00000000-0000-0000-0000-000000000000")]
    [InlineData("visitorId=3f2b8c1e-5d4a-4b7e-9c2f-1a6d8e0b4c7a&visitorId=9a1c7e5b-2f4d-4e8a-b6c3-0d5f7a9e1b2c")]
    public async Task AMalformedVisitorIdIs400AndTheTokenIsNotHandedOut(string query)
    {
        var response = FakeHttpResponse.Of(await _function.RunAsync(
            FakeHttpRequest.Post("/api/negotiate?" + query), ConnectionInfo, TestContext.Current.CancellationToken));

        ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest);
        Assert.DoesNotContain("a.b.c", response.BodyText, StringComparison.Ordinal);
    }
}
