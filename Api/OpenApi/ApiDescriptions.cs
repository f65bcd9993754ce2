using System.Text.Json.Nodes;
using LiveCounter.Api.Increments;
using LiveCounter.Api.Negotiation;
using LiveCounter.Api.Reading;
using LiveCounter.Api.Subscriptions;
using LiveCounter.Increments;
using LiveCounter.Problems;
using LiveCounter.Realtime;
using LiveCounter.Storage;
using LiveCounter.Wire;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace LiveCounter.Api.OpenApi;

/// <summary>
/// What the typed results cannot say about each route: its name, the problems it answers with, the headers it reads
/// and sets, its body, and the negotiate route that the SignalR hub (or the Functions binding) serves.
/// </summary>
public static class ApiDescriptions
{
    public static RouteHandlerBuilder DescribesReadCounter(this RouteHandlerBuilder route) =>
        route.Described("GetCounter", "A counter as it is now; a counter never incremented is value 0, version 0, updatedAt null.", ReadCounterHandler.Problems);

    public static RouteHandlerBuilder DescribesIncrement(this RouteHandlerBuilder route) =>
        route.Described("IncrementCounter", "Adds by (default 1) to the counter, broadcasts counterUpdated to its subscribers and incrementApplied to the visitor.", IncrementHandler.Problems)
            .AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
            {
                await DescribeBodyAsync<RequestBodies.Increment>(operation, context, required: false, cancellationToken);
                operation.Parameters ??= [];
                operation.Parameters.Add(Header(IncrementRequest.IdempotencyKeyHeader, "Makes the increment safe to retry: the same key (per counter and visitor) returns the first result.", maxLength: 64, "^[A-Za-z0-9_-]+$"));
                operation.Parameters.Add(Header(IncrementRequest.VisitorIdHeader, "The visitor's id, a lower-case UUID: adds yourTotal and sends incrementApplied to the visitor.", maxLength: 36, VisitorPattern));
                if (operation.Responses?.TryGetValue("200", out var ok) == true && ok is OpenApiResponse response)
                {
                    response.Headers ??= new Dictionary<string, IOpenApiHeader>();
                    response.Headers[IncrementOk.ReplayedHeader] = new OpenApiHeader
                    {
                        Description = "true when this is the stored result of a replayed Idempotency-Key: nothing was incremented or broadcast.",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("true")] },
                    };
                }
            });

    public static RouteHandlerBuilder DescribesSubscribe(this RouteHandlerBuilder route) =>
        route.Described("Subscribe", "The connection joins the counter's group and receives its counterUpdated messages.", SubscribeHandler.Problems)
            .AddOpenApiOperationTransformer(DescribeGroupChangeFailure)
            .AddOpenApiOperationTransformer((operation, context, cancellationToken) =>
                DescribeBodyAsync<RequestBodies.Subscription>(operation, context, required: true, cancellationToken));

    public static RouteHandlerBuilder DescribesUnsubscribe(this RouteHandlerBuilder route) =>
        route.Described("Unsubscribe", "The connection leaves the counter's group.", UnsubscribeHandler.Problems)
            .AddOpenApiOperationTransformer(DescribeGroupChangeFailure);

    /// <summary>Adds <c>POST /api/negotiate</c>, which neither host serves as a minimal API, and the document's title.</summary>
    public static OpenApiOptions DescribesCountersApi(this OpenApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddSchemaTransformer(DescribeLanes);
        options.AddDocumentTransformer((document, context, cancellationToken) =>
        {
            document.Info.Title = "LiveCounter";

            // The same document comes from a running server and from the build (docs/openapi.json): no address of its own.
            document.Servers = [];
            document.Info.Description = "Named counters anyone can watch live and bump. Realtime: the SignalR hub 'counter' "
                + $"({CounterHubContract.CounterUpdated} to a counter's subscribers, {CounterHubContract.IncrementApplied} to the incrementing visitor).";
            document.Paths ??= [];
            document.Paths["/api/negotiate"] = new OpenApiPathItem
            {
                Operations = new Dictionary<HttpMethod, OpenApiOperation>
                {
                    [HttpMethod.Post] = new()
                    {
                        OperationId = "negotiate",
                        Tags = new HashSet<OpenApiTagReference> { new(Tag, document) },
                        Summary = "Where and how to open the SignalR connection to the hub 'counter', as SignalR user = the visitor.",
                        Parameters =
                        [
                            new OpenApiParameter
                            {
                                Name = NegotiateRequest.VisitorIdParameter,
                                In = ParameterLocation.Query,
                                Required = true,
                                Description = "The visitor's id, a lower-case UUID.",
                                Schema = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = VisitorPattern },
                            },
                        ],
                        Responses = new OpenApiResponses
                        {
                            ["200"] = new OpenApiResponse
                            {
                                Description = "Standalone: the ASP.NET Core SignalR negotiate response. Functions: { url, accessToken } of Azure SignalR Service.",
                                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.Object } } },
                            },
                            ["400"] = ProblemResponse(document, "visitorId is malformed, or (Standalone) missing."),
                            ["405"] = ProblemResponse(document, "Negotiate takes POST only."),

                            // The connection-info binding resolves {query.visitorId} before the function runs, so
                            // without one our code never sees the request.
                            ["500"] = new OpenApiResponse { Description = "Functions: the host's own answer when visitorId is missing (empty body); Standalone answers 400." },
                        },
                    },
                },
            };
            return Task.CompletedTask;
        });
        return options;
    }

    /// <summary>The <c>lanes</c> member, written by its own converter, so the schema generator cannot see its shape.</summary>
    static Task DescribeLanes(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonTypeInfo.Type != typeof(LanesView))
        {
            return Task.CompletedTask;
        }

        var count = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64", Minimum = "0" };
        schema.Type = JsonSchemaType.Object;
        schema.Description = "The counter lane by lane, as the commit or read that produced this payload saw it; value and version are the sums over it. "
            + "Clients keep per lane the entry with the highest version seen, and show the sums.";
        schema.MaxProperties = LaneTallies.MaxCount;
        schema.PropertyNames = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^(lane-[0-9]{2}|state)$" };
        schema.AdditionalProperties = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Required = new HashSet<string> { "value", "version" },
            Properties = new Dictionary<string, IOpenApiSchema> { ["value"] = count, ["version"] = count },
        };
        return Task.CompletedTask;
    }

    /// <summary>The one tag of every operation.</summary>
    public const string Tag = "counters";

    const string VisitorPattern = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";

    /// <summary>What every route has: its name, its summary, its problems (and 500), the rule of the name in its path.</summary>
    static RouteHandlerBuilder Described(this RouteHandlerBuilder route, string name, string summary, int[] problems)
    {
        route.WithName(name).WithSummary(summary).AddOpenApiOperationTransformer(DescribeName);
        foreach (var status in problems)
        {
            route.Produces<Problem>(status, Problem.ContentType);
        }

        return route.Produces<Problem>(StatusCodes.Status500InternalServerError, Problem.ContentType);
    }

    /// <summary>
    /// The SignalR output binding changes the group after the function has returned its answer, so a failure there
    /// replaces that answer with the host's own. Standalone on a backplane answers 503 when Redis cannot make the change.
    /// </summary>
    static Task DescribeGroupChangeFailure(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (operation.Responses?.TryGetValue("500", out var failed) == true && failed is OpenApiResponse response)
        {
            response.Description = "An unexpected failure, as problem+json. Functions: also a connection that Azure SignalR Service does not know, "
                + "answered by the host after the function returned, with an empty body.";
        }

        if (operation.Responses?.TryGetValue("503", out var unavailable) == true && unavailable is OpenApiResponse backplane)
        {
            backplane.Description = "Standalone on a realtime backplane (RealtimeBackplane) that is unreachable or did not answer in time: the change "
                + "is not confirmed. Retry after Retry-After seconds; a retry of a change already made is answered 204.";
        }

        return Task.CompletedTask;
    }

    static Task DescribeName(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var parameter in operation.Parameters ?? [])
        {
            if (parameter is OpenApiParameter { Name: "name" } name)
            {
                name.Description = CounterName.Rule + " Compared case-insensitively; answered lower-case.";
                name.Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = CounterName.MaxLength, Pattern = "^[A-Za-z0-9][A-Za-z0-9-]*$" };
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// The JSON body, described here rather than with Accepts metadata, which would also make routing refuse other
    /// content types: the API reads the bytes whatever the Content-Type says.
    /// </summary>
    static async Task DescribeBodyAsync<TBody>(OpenApiOperation operation, OpenApiOperationTransformerContext context, bool required, CancellationToken cancellationToken)
    {
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = required,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(TBody), null, cancellationToken) },
            },
        };
    }

    static OpenApiParameter Header(string name, string description, int maxLength, string pattern) => new()
    {
        Name = name,
        In = ParameterLocation.Header,
        Required = false,
        Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = maxLength, Pattern = pattern },
    };

    static OpenApiResponse ProblemResponse(OpenApiDocument document, string description) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            [Problem.ContentType] = new() { Schema = new OpenApiSchemaReference(nameof(Problem), document) },
        },
    };
}
