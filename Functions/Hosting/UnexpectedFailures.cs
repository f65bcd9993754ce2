using LiveCounter.Api.Http;
using LiveCounter.Problems;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;

namespace LiveCounter.Functions.Hosting;

/// <summary>
/// A function that throws answers a 500 problem that reveals nothing, as Standalone's exception handler does, instead
/// of the host's bare 500; nothing was written, and no output binding is sent. The caller's own cancellation is not a
/// failure.
/// </summary>
public sealed partial class UnexpectedFailures(ILogger<UnexpectedFailures> logger) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            await next(context);
        }
        catch (Exception exception) when (context.GetHttpContext() is { RequestAborted.IsCancellationRequested: false } http)
        {
            Failed(logger, context.FunctionDefinition.Name, exception);
            await ProblemResult.WriteAsync(http.Response, Problem.InternalError());
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Function} failed unexpectedly; it answered 500 and wrote nothing.")]
    static partial void Failed(ILogger logger, string function, Exception exception);
}
