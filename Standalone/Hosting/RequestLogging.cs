using System.Diagnostics;

namespace LiveCounter.Standalone.Hosting;

/// <summary>One structured line per request: method, path, status and duration.</summary>
/// <remarks>
/// Written by hand rather than with ASP.NET Core's HTTP logging because a visitor id travels in the negotiate
/// query string and the X-Visitor-Id header, and neither may ever reach a log: this logs neither.
/// </remarks>
public static partial class RequestLogging
{
    public const string Category = "LiveCounter.Standalone.Requests";

    /// <summary>ASP.NET Core's own request lines: "Request starting POST http://…/api/negotiate?visitorId=…".</summary>
    const string HostingCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    /// <summary>SignalR's Redis backplane: "Subscribing to channel: …:user:…" and the like.</summary>
    const string BackplaneCategory = "Microsoft.AspNetCore.SignalR.StackExchangeRedis";

    /// <summary>
    /// Turns ASP.NET Core's own request lines off in code, as the one line per request here replaces them: they carry
    /// the full URL, and with it the visitor id of every negotiate and connection. appsettings.json turns them off too,
    /// but it is found only when the app starts in its own folder; this rule holds wherever it starts, and a filter
    /// added here comes after the settings' rules for the same category, so no setting can turn them back on.
    /// </summary>
    /// <remarks>
    /// The same for SignalR's Redis backplane, which names each visitor's channel after the visitor id and writes
    /// channel names at Trace level.
    /// </remarks>
    public static ILoggingBuilder KeepVisitorIdsOutOfLogs(this ILoggingBuilder logging) =>
        logging.AddFilter(HostingCategory, LogLevel.Warning).AddFilter(BackplaneCategory, LogLevel.Warning);

    public static IApplicationBuilder UseRequestLogging(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(Category);
        return app.Use(async (context, next) =>
        {
            if (!logger.IsEnabled(LogLevel.Information))
            {
                await next(context);
                return;
            }

            var started = Stopwatch.GetTimestamp();
            try
            {
                await next(context);
            }
            finally
            {
                var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                Handled(logger, context.Request.Method, context.Request.Path.Value ?? "/", context.Response.StatusCode, elapsed);
            }
        });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Path} {StatusCode} {ElapsedMilliseconds:0.0} ms")]
    static partial void Handled(ILogger logger, string method, string path, int statusCode, double elapsedMilliseconds);
}
