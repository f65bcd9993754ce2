using Azure.Core.Serialization;
using LiveCounter.Functions.Hosting;
using LiveCounter.Increments;
using LiveCounter.Metrics;
using LiveCounter.Reading;
using LiveCounter.Storage;
using LiveCounter.Tables;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);

// HTTP bodies are written with CountersJson.Options directly; this makes the SignalR output bindings match them.
builder.Services.Configure<WorkerOptions>(options => options.Serializer = new JsonObjectSerializer(WorkerJson.Options));

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddCounterStorage();
builder.Services.AddSingleton<CounterMetrics>();
builder.Services.AddSingleton(provider => new IncrementCounter(
    provider.GetRequiredService<ICounterStore>(), provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<CounterMetrics>()));
builder.Services.AddSingleton<GetCounter>();

builder.Build().Run();
