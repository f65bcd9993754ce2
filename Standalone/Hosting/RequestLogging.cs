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
