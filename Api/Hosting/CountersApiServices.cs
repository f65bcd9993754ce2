using LiveCounter.Api.Http;
using LiveCounter.Increments;
using LiveCounter.Metrics;
using LiveCounter.Reading;
using LiveCounter.Retention;
using LiveCounter.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LiveCounter.Api.Hosting;

public static class CountersApiServices
{
    /// <summary>
    /// What the handlers use, the same in both hosts: the use cases (on the <see cref="ICounterStore"/> and
    /// <see cref="IExpiredRecords"/> the host registers), the meter, the clock, and the one JSON options for bodies.
    /// Settings: <c>LiveCounter:GroupCommit</c> (default true) can turn group commit off, for a benchmark to compare;
    /// <c>LiveCounter:RecordRetention</c> (default 1.00:00:00) is how long idempotency records are kept;
    /// <c>LiveCounter:AnswerDeadline</c> (default 00:00:10) is how long any read or increment may take before it is 503.
    /// </summary>
    public static IServiceCollection AddCountersApi(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var deadline = new AnswerDeadline(
            configuration.GetValue($"{IncrementOptions.Section}:{AnswerDeadline.Setting}", AnswerDeadline.Default.Within));
        var retention = RetentionOptions.Default with
        {
            Window = configuration.GetValue($"{IncrementOptions.Section}:{RetentionOptions.WindowSetting}", RetentionOptions.Default.Window),
        };
        var options = IncrementOptions.Default with
        {
            RecordRetention = retention.Window,
            GroupCommit = configuration.GetValue($"{IncrementOptions.Section}:{nameof(IncrementOptions.GroupCommit)}", defaultValue: true),
            Deadline = deadline,
        };

        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddSingleton<CounterMetrics>();
        services.AddSingleton(provider => new IncrementCounter(
            provider.GetRequiredService<ICounterStore>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<CounterMetrics>(),
            options,
            Random.Shared));
        services.AddSingleton(deadline);
        services.AddSingleton<GetCounter>();
        services.AddSingleton(retention);
        services.AddSingleton<SweepExpiredRecords>();
        services.ConfigureHttpJsonOptions(json => ApiJson.Apply(json.SerializerOptions));
        return services;
    }
}
