using System.Text.Json;
using LiveCounter.Api.Routing;
using LiveCounter.Functions.Routing;

namespace LiveCounter.Functions.Tests.Metadata;

/// <summary>
/// The functions.metadata the worker SDK generates from the attributes, read from the build output: what the Functions
/// host will actually route and bind. A wrong attribute fails here, not in Azure.
/// </summary>
public sealed class FunctionMetadataTests
{
    static readonly JsonElement[] Functions = Load();

    static JsonElement[] Load()
    {
        using var metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "functions.metadata")));
        return [.. metadata.RootElement.EnumerateArray().Select(function => function.Clone())];
    }

    static JsonElement Function(string name) => Assert.Single(Functions, f => f.GetProperty("name").GetString() == name);

    static IEnumerable<JsonElement> HttpTriggers =>
        Functions.SelectMany(f => f.GetProperty("bindings").EnumerateArray()).Where(b => b.GetProperty("type").GetString() == "httpTrigger");

    static JsonElement Binding(JsonElement function, string type) =>
        Assert.Single(function.GetProperty("bindings").EnumerateArray(), b => b.GetProperty("type").GetString() == type);

    [Fact]
    public void The_app_has_exactly_the_functions_of_the_design()
    {
        Assert.Equal(
            ["GetCounter", "IncrementCounter", "Subscribe", "SweepExpiredRecords", "Unsubscribe", "WrongRouteOrMethod", "negotiate"],
            Functions.Select(f => f.GetProperty("name").GetString()).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("GetCounter", "get", "counters/{name}")]
    [InlineData("IncrementCounter", "post", "counters/{name}/increment")]
    [InlineData("Subscribe", "post", "counters/{name}/subscriptions")]
    [InlineData("Unsubscribe", "delete", "counters/{name}/subscriptions/{connectionId}")]
    [InlineData("negotiate", "post", "negotiate")]
    public void Each_http_function_takes_its_route_and_method_anonymously(string name, string method, string route)
    {
        var trigger = Binding(Function(name), "httpTrigger");

        Assert.Equal(route, trigger.GetProperty("route").GetString());
        Assert.Equal([method], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal("Anonymous", trigger.GetProperty("authLevel").GetString());
        Assert.Single(Function(name).GetProperty("bindings").EnumerateArray(), b => b.GetProperty("type").GetString() == "http");
    }

    [Fact]
    public void Every_route_of_the_api_route_table_is_one_function_s_with_the_table_s_methods()
    {
        foreach (var route in ApiRoutes.All)
        {
            var trigger = Assert.Single(HttpTriggers, t => t.GetProperty("route").GetString() == route.Template);

            Assert.Equal(route.Methods.Select(m => m.ToLowerInvariant()), trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        }
    }

    /// <summary>
    /// No method list at all: the host constrains a route's methods only when the trigger lists some, and an empty list
    /// would be a constraint that no method meets.
    /// </summary>
    [Fact]
    public void The_catch_all_takes_every_path_below_the_prefix_and_every_method_anonymously()
    {
        var function = Function(WrongRouteOrMethodFunction.Name);
        var trigger = Binding(function, "httpTrigger");

        Assert.Equal("{*path}", trigger.GetProperty("route").GetString());
        Assert.False(trigger.TryGetProperty("methods", out _));
        Assert.Equal("Anonymous", trigger.GetProperty("authLevel").GetString());
        Assert.Equal("$return", Binding(function, "http").GetProperty("name").GetString());
    }

    /// <summary>
    /// The host tries the HTTP routes in the order of the function names (ordinal, ignoring case) and takes the first
    /// that matches: see <see cref="WrongRouteOrMethodFunction"/>. A function whose name sorts after the catch-all's
    /// would never be reached.
    /// </summary>
    [Fact]
    public void The_catch_all_s_name_sorts_after_every_other_function_s_so_that_the_host_tries_it_last()
    {
        var names = Functions.Select(f => f.GetProperty("name").GetString()!).Order(StringComparer.OrdinalIgnoreCase);

        Assert.Equal(WrongRouteOrMethodFunction.Name, names.Last());
    }

    [Theory]
    [InlineData("IncrementCounter", "Messages")]
    [InlineData("Subscribe", "GroupChange")]
    [InlineData("Unsubscribe", "GroupChange")]
    public void The_realtime_outputs_go_to_the_counter_hub_over_the_default_connection_setting(string name, string output)
    {
        var signalR = Binding(Function(name), "signalR");

        Assert.Equal((output, "Out", "counter"), (signalR.GetProperty("name").GetString(), signalR.GetProperty("direction").GetString(), signalR.GetProperty("hubName").GetString()));
        Assert.False(signalR.TryGetProperty("connectionStringSetting", out _), "The binding must use AzureSignalRConnectionString, the setting the infra and the local template define.");
    }

    [Fact]
    public void Negotiate_gets_its_connection_info_for_the_visitor_of_the_query_as_signalr_user()
    {
        var info = Binding(Function("negotiate"), "signalRConnectionInfo");

        Assert.Equal("counter", info.GetProperty("hubName").GetString());
        Assert.Equal("{query.visitorId}", info.GetProperty("userId").GetString());
        Assert.False(info.TryGetProperty("connectionStringSetting", out _));
    }

    [Fact]
    public void Reads_answer_through_the_return_value_and_write_no_realtime_output()
    {
        var bindings = Function("GetCounter").GetProperty("bindings").EnumerateArray().ToList();

        Assert.Equal("$return", Binding(Function("GetCounter"), "http").GetProperty("name").GetString());
        Assert.DoesNotContain(bindings, b => b.GetProperty("type").GetString() == "signalR");
    }

    [Fact]
    public void The_retention_sweep_runs_hourly_on_the_hour_and_is_its_only_binding()
    {
        var function = Function("SweepExpiredRecords");

        var timer = Assert.Single(function.GetProperty("bindings").EnumerateArray());
        Assert.Equal(("timerTrigger", "0 0 * * * *"), (timer.GetProperty("type").GetString(), timer.GetProperty("schedule").GetString()));
    }
}
