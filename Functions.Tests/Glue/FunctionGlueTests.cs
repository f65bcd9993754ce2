using System.Text;
using LiveCounter.Api.Http;
using LiveCounter.Api.Increments;
using LiveCounter.Api.Subscriptions;
using LiveCounter.Functions.Increments;
using LiveCounter.Functions.Negotiation;
using LiveCounter.Functions.Reading;
using LiveCounter.Functions.Routing;
using LiveCounter.Functions.Subscriptions;
using LiveCounter.Increments;
using LiveCounter.Metrics;
using LiveCounter.Reading;
using LiveCounter.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace LiveCounter.Functions.Tests.Glue;

/// <summary>
/// Each function hands its request to the Api handler and its realtime actions to the right output. What the handlers
/// answer is tested once, over real HTTP, in Standalone.Tests.
/// </summary>
public sealed class FunctionGlueTests
{
    const string Alice = "3f2b8c1e-5d4a-4b7e-9c2f-1a6d8e0b4c7a";

    readonly InMemoryCounterStore _store = new();
    readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    IncrementCounter Increment => new(_store, TimeProvider.System, CounterMetrics.Unregistered());

    static HttpRequest Request(string body = "", string? query = null, params (string Name, string Value)[] headers)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        context.Request.QueryString = query is null ? QueryString.Empty : new QueryString(query);
        foreach (var (name, value) in headers)
        {
            context.Request.Headers[name] = value;
        }

        return context.Request;
    }

    [Fact]
    public async Task Increment_answers_with_the_handler_s_result_and_sends_the_commit_s_messages()
    {
        var output = await new IncrementCounterFunction(Increment).RunAsync(Request("{\"by\":2}", headers: ("X-Visitor-Id", Alice)), "votes", _ct);

        var ok = Assert.IsType<IncrementOk>(Assert.IsType<Results<IncrementOk, ProblemResult>>(output.Result).Result);
        Assert.Equal((2L, 1L, 2L), (ok.Value.Value, ok.Value.Version, ok.Value.YourTotal!.Value));
        Assert.Equal(["counterUpdated", "incrementApplied"], output.Messages!.Select(m => m.Target));
    }

    [Fact]
    public async Task A_refused_increment_answers_its_problem_and_sends_nothing()
    {
        var output = await new IncrementCounterFunction(Increment).RunAsync(Request("{\"by\":0}"), "votes", _ct);

        Assert.Equal(400, Assert.IsType<ProblemResult>(Assert.IsType<Results<IncrementOk, ProblemResult>>(output.Result).Result).StatusCode);
        Assert.Null(output.Messages);
    }

    [Fact]
    public async Task A_replayed_increment_answers_the_stored_result_and_sends_nothing()
    {
        var function = new IncrementCounterFunction(Increment);
        await function.RunAsync(Request(headers: ("Idempotency-Key", "k")), "votes", _ct);

        var output = await function.RunAsync(Request(headers: ("Idempotency-Key", "k")), "votes", _ct);

        Assert.True(Assert.IsType<IncrementOk>(((Results<IncrementOk, ProblemResult>)output.Result).Result).Replayed);
        Assert.Null(output.Messages);
    }

    [Fact]
    public async Task Reading_answers_the_handler_s_result()
    {
        var result = await new GetCounterFunction(new GetCounter(_store, TimeProvider.System, AnswerDeadline.Default)).RunAsync(Request(), "Votes", _ct);

        Assert.Equal("votes", Assert.IsType<Ok<Wire.CounterView>>(result.Result).Value!.Name);
    }

    [Fact]
    public async Task Subscribing_adds_the_connection_to_the_counter_group_and_a_refusal_changes_nothing()
    {
        var functions = new SubscriptionFunctions(new UnseenConnections());

        var joined = await functions.SubscribeAsync(Request("{\"connectionId\":\"conn-1\"}"), "votes", _ct);
        var refused = await functions.SubscribeAsync(Request("{\"connectionId\":\"a/b\"}"), "votes", _ct);

        Assert.IsType<NoContent>(((Results<NoContent, ProblemResult>)joined.Result).Result);
        Assert.Equal((SignalRGroupActionType.Add, "conn-1", "counter:votes"), (joined.GroupChange!.Action, joined.GroupChange.ConnectionId, joined.GroupChange.GroupName));
        Assert.IsType<ProblemResult>(((Results<NoContent, ProblemResult>)refused.Result).Result);
        Assert.Null(refused.GroupChange);
    }

    [Fact]
    public void Unsubscribing_removes_the_connection_from_the_counter_group()
    {
        var output = new SubscriptionFunctions(new UnseenConnections()).Unsubscribe(Request(), "votes", "conn-1");

        Assert.Equal((SignalRGroupActionType.Remove, "conn-1", "counter:votes"), (output.GroupChange!.Action, output.GroupChange.ConnectionId, output.GroupChange.GroupName));
    }

    [Fact]
    public async Task Negotiate_passes_the_binding_s_connection_info_through_as_json_for_a_well_formed_visitor_only()
    {
        const string Info = "{\"url\":\"http://localhost:8888/client/?hub=counter\",\"accessToken\":\"t\"}";

        var accepted = NegotiateFunction.Run(Request(query: $"?visitorId={Alice}"), Info);
        var refused = NegotiateFunction.Run(Request(query: "?visitorId=NOPE"), Info);

        var context = new DefaultHttpContext
        {
            RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider(),
            Response = { Body = new MemoryStream() },
        };
        await accepted.ExecuteAsync(context);
        context.Response.Body.Position = 0;
        Assert.Equal(Info, await new StreamReader(context.Response.Body).ReadToEndAsync(_ct));
        Assert.StartsWith("application/json", context.Response.ContentType, StringComparison.Ordinal);
        Assert.Equal(400, Assert.IsType<ProblemResult>(refused).StatusCode);
    }

    [Theory]
    [InlineData("GET", "negotiate", 405, "POST")]
    [InlineData("PUT", "counters/demo", 405, "GET")]
    [InlineData("GET", "counters/demo/subscriptions/abc/", 405, "DELETE")]
    [InlineData("GET", "nope", 404, null)]
    [InlineData("GET", null, 404, null)]
    public async Task The_catch_all_answers_from_the_api_route_table_as_problem_json(string method, string? path, int status, string? allow)
    {
        var context = new DefaultHttpContext
        {
            RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider(),
            Request = { Method = method },
            Response = { Body = new MemoryStream() },
        };

        await WrongRouteOrMethodFunction.Run(context.Request, path).Result.ExecuteAsync(context);

        Assert.Equal((status, "application/problem+json"), (context.Response.StatusCode, context.Response.ContentType));
        Assert.Equal(allow ?? string.Empty, context.Response.Headers.Allow.ToString());
        context.Response.Body.Position = 0;
        Assert.Contains($"\"status\":{status}", await new StreamReader(context.Response.Body).ReadToEndAsync(_ct), StringComparison.Ordinal);
    }
}
