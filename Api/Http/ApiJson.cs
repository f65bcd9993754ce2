using System.Text.Json;
using System.Text.Json.Serialization;
using LiveCounter.Problems;
using LiveCounter.Wire;

namespace LiveCounter.Api.Http;

/// <summary>The one set of JSON options every host uses for bodies and SignalR arguments alike.</summary>
public static class ApiJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>Copies the shared settings into options a framework owns (ASP.NET Core's, SignalR's, the worker's).</summary>
    public static void Apply(JsonSerializerOptions target)
    {
        ArgumentNullException.ThrowIfNull(target);
        target.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        target.PropertyNameCaseInsensitive = true;
        target.NumberHandling = JsonNumberHandling.Strict;
        target.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default);
    }

    static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Apply(options);
        options.MakeReadOnly();
        return options;
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(CounterView))]
[JsonSerializable(typeof(IncrementView))]
[JsonSerializable(typeof(IncrementAppliedView))]
[JsonSerializable(typeof(Problem))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
