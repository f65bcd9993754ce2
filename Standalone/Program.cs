using LiveCounter.Api.OpenApi;
using LiveCounter.Standalone.Counters;
using LiveCounter.Standalone.Hosting;
using LiveCounter.Standalone.Problems;
using LiveCounter.Standalone.Realtime;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    WebRootPath = WebRoot.Locate(),
});

builder.Logging.KeepVisitorIdsOutOfLogs();
builder.Services.AddLiveCounter(builder.Configuration);
builder.Services.AddMetricsExport(builder.Configuration);
builder.Services.AddOpenApi(options => options.DescribesCountersApi());

var app = builder.Build();

app.UseProblemResponses();
app.UseRequestLogging();
app.UseSecurityHeaders();
app.UseHubRequestGuard();
app.UseWebPages();

app.MapOpenApi();
app.MapCounterHub();
app.MapCounters();

app.Run();

/// <summary>The entry point, visible to the integration tests' host factory.</summary>
public partial class Program;
