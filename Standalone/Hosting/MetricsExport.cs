using LiveCounter.Metrics;
using OpenTelemetry.Metrics;

namespace LiveCounter.Standalone.Hosting;

/// <summary>
/// Exports the <c>LiveCounter</c> meter, with ASP.NET Core's request and Kestrel meters, through OpenTelemetry when
/// <c>LiveCounter:Metrics</c> is <c>console</c> or <c>otlp</c> (the standard <c>OTEL_EXPORTER_OTLP_*</c> variables
/// say where to); off by default. dotnet-counters reads the meters with no setting at all.
/// </summary>
public static class MetricsExport
{
    public const string Setting = "LiveCounter:Metrics";

    public static IServiceCollection AddMetricsExport(this IServiceCollection services, IConfiguration configuration)
    {
        var exporter = configuration[Setting];
        if (string.IsNullOrEmpty(exporter))
        {
            return services;
        }

        services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            metrics.AddMeter(CounterMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel");
            _ = exporter.ToUpperInvariant() switch
            {
                "CONSOLE" => metrics.AddConsoleExporter(),
                "OTLP" => metrics.AddOtlpExporter(),
                _ => throw new InvalidOperationException($"{Setting} must be 'console' or 'otlp', not '{exporter}'."),
            };
        });
        return services;
    }
}
