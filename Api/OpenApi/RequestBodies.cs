using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace LiveCounter.Api.OpenApi;

/// <summary>The request bodies as the OpenAPI document shows them; the handlers read the bytes themselves (Counters/Wire).</summary>
public static class RequestBodies
{
    [Description("Optional. Without a body, or without by, by is 1. Nothing but by may appear.")]
    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record Increment(
        [property: Range(1, 1000), Description("How much to add: a whole number from 1 to 1000.")] int By = 1);

    [Description("The SignalR connection that is to receive counterUpdated for the counter.")]
    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record Subscription(
        [property: Required, StringLength(128, MinimumLength = 1), RegularExpression("^[A-Za-z0-9_.=-]+$"), Description("The connection id the hub gave the client.")] string ConnectionId);
}
