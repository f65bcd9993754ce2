using System.Text.Json;
using LiveCounter.Api.Http;
using LiveCounter.Functions.Hosting;
using LiveCounter.Wire;
using Microsoft.Azure.Functions.Worker;

namespace LiveCounter.Functions.Tests.Hosting;

public sealed class WorkerJsonTests
{
    static readonly LanesView Lanes = LanesView.Of(("lane-04", 2, 2), ("state", 1, 1));

    static readonly CounterView Updated = new("votes", 3, 3, new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero), Lanes);

    [Fact]
    public void SignalR_arguments_serialize_exactly_like_the_HTTP_bodies()
    {
        var actions = new[]
        {
            new SignalRMessageAction("counterUpdated", [Updated]) { GroupName = "counter:votes" },
            new SignalRMessageAction("incrementApplied", [new IncrementAppliedView("votes", 3, 3, Lanes, 1, 2)]) { UserId = "u" },
        };

        // As the worker serializes an output binding value: by its runtime type, with WorkerOptions.Serializer's options.
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(actions, actions.GetType(), WorkerJson.Options));

        var updated = json.RootElement[0];
        Assert.Equal("counterUpdated", updated.GetProperty("target").GetString());
        Assert.Equal("counter:votes", updated.GetProperty("groupName").GetString());
        Assert.Equal(
            JsonSerializer.Serialize(Updated, ApiJson.Options),
            updated.GetProperty("arguments")[0].GetRawText());

        var applied = json.RootElement[1];
        Assert.Equal("u", applied.GetProperty("userId").GetString());
        Assert.Equal(
            """{"name":"votes","value":3,"version":3,"lanes":{"lane-04":{"value":2,"version":2},"state":{"value":1,"version":1}},"by":1,"yourTotal":2}""",
            applied.GetProperty("arguments")[0].GetRawText());
    }

    [Fact]
    public void Group_actions_serialize_their_action_as_the_binding_expects()
    {
        var action = new SignalRGroupAction(SignalRGroupActionType.Add) { ConnectionId = "c", GroupName = "counter:votes" };

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(action, WorkerJson.Options));

        Assert.Equal("c", json.RootElement.GetProperty("connectionId").GetString());
        Assert.Equal("counter:votes", json.RootElement.GetProperty("groupName").GetString());
        Assert.Equal("Add", json.RootElement.GetProperty("action").GetString());
    }
}
