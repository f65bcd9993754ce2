using Azure.Core.Serialization;
using LiveCounter.Api.Hosting;
using LiveCounter.Api.Subscriptions;
using LiveCounter.Functions.Hosting;
using LiveCounter.Tables;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);

// HTTP through ASP.NET Core, so the Api handlers serve Functions exactly as they serve Standalone.
builder.ConfigureFunctionsWebApplication();
builder.UseMiddleware<UnexpectedFailures>();

// The worker serializes the SignalR output bindings with these options: the same JSON as the HTTP bodies.
builder.Services.Configure<WorkerOptions>(options => options.Serializer = new JsonObjectSerializer(WorkerJson.Options));

// Application Insights for the worker; APPLICATIONINSIGHTS_AUTHENTICATION_STRING (set by infra/) makes it keyless.
builder.Services.AddApplicationInsightsTelemetryWorkerService().ConfigureFunctionsApplicationInsights();
builder.Services.AddHostedService<MetricsToApplicationInsights>();

builder.Services.AddCounterStorage();
builder.Services.AddCountersApi(builder.Configuration);
builder.Services.AddSingleton<ISubscriptionGate, UnseenConnections>();

builder.Build().Run();
