using LiveCounter.Api.Http;
using LiveCounter.Api.Routing;
using LiveCounter.Problems;
using Microsoft.AspNetCore.Diagnostics;

namespace LiveCounter.Standalone.Problems;

public static class ProblemResponses
{
    /// <summary>
    /// Makes every failure this host can produce (an exception, a Kestrel limit, an unknown route, a wrong method)
    /// answer with the same problem+json as the API's own errors: never an HTML page or an empty body.
    /// </summary>
    public static IApplicationBuilder UseProblemResponses(this IApplicationBuilder app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = context =>
            {
                var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
                return ProblemResult.WriteAsync(context.Response, ProblemFor(error));
            },
        });

        app.UseStatusCodePages(context =>
        {
            var status = context.HttpContext.Response.StatusCode;
            return ProblemResult.WriteAsync(context.HttpContext.Response, ProblemForStatus(context.HttpContext.Request, status));
        });

        return app;
    }

    static Problem ProblemFor(Exception? error) => error switch
    {
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => Problem.PayloadTooLarge(RequestBody.MaxBytes),
        BadHttpRequestException bad => Problem.For(bad.StatusCode, "The request could not be read."),

        // Kestrel reports some malformed bodies (a chunk size that overflows) as a plain IOException; this app does no
        // other I/O that could surface here, so it is the client's malformed request, not a server fault.
        IOException => Problem.BadRequest("The request body could not be read."),
        _ => Problem.InternalError(),
    };

    static Problem ProblemForStatus(HttpRequest request, int status) => status switch
    {
        StatusCodes.Status404NotFound => RouteProblems.NotFound,
        StatusCodes.Status405MethodNotAllowed => RouteProblems.MethodNotAllowed(request.Method),
        _ => Problem.For(status, "The request could not be handled."),
    };
}
