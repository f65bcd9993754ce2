using System.Reflection;
using LiveCounter.Api.Http;
using LiveCounter.Wire;
using Microsoft.AspNetCore.Http.Metadata;

namespace LiveCounter.Api.Increments;

/// <summary>200 with the increment's result, marked <c>Idempotent-Replayed: true</c> when it is the stored result of a replayed key.</summary>
public sealed class IncrementOk(IncrementView value, bool replayed) : IResult, IStatusCodeHttpResult, IValueHttpResult<IncrementView>, IEndpointMetadataProvider
{
    public const string ReplayedHeader = "Idempotent-Replayed";

    public IncrementView Value { get; } = value;

    public bool Replayed { get; } = replayed;

    public int? StatusCode => StatusCodes.Status200OK;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        ExposedHeaders.Expose(httpContext.Response);
        if (Replayed)
        {
            httpContext.Response.Headers[ReplayedHeader] = "true";
        }

        return TypedResults.Ok(Value).ExecuteAsync(httpContext);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(IncrementView), ["application/json"]));
    }
}
