using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using LiveCounter.Api.Http;

namespace LiveCounter.Functions.Hosting;

/// <summary>The JSON options of the worker's serializer (<c>WorkerOptions.Serializer</c>).</summary>
/// <remarks>
/// The worker serializes output bindings with it, so SignalR arguments come out exactly like Standalone's
/// (camelCase, ISO-8601 <c>updatedAt</c>, no <c>yourTotal</c> when anonymous). <see cref="ApiJson.Options"/>
/// itself cannot be used: it resolves only the Counters wire types, and the worker must also serialize its own
/// (<c>SignalRMessageAction</c>, <c>SignalRGroupAction</c>), hence the reflection resolver after the Counters one.
/// </remarks>
public static class WorkerJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ApiJson.Apply(options);
        options.TypeInfoResolverChain.Add(new DefaultJsonTypeInfoResolver());
        options.MakeReadOnly();
        return options;
    }
}
