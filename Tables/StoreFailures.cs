using Azure;
using Azure.Data.Tables.Models;
using Azure.Identity;

namespace LiveCounter.Tables;

/// <summary>Tells a store outage (answered 503, worth retrying later) from everything else (a bug, answered 500).</summary>
public static class StoreFailures
{
    /// <summary>
    /// True for server errors, throttling, timeouts, network failures and a missing table; false for the caller's own
    /// cancellation and for any 4xx the service would answer again the same way.
    /// </summary>
    public static bool IsUnavailable(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        RequestFailedException failure => failure.Status is 0 or 408 or 429 or >= 500 || IsTableMissing(failure),
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        HttpRequestException or TimeoutException or IOException => true,

        // The managed identity endpoint could not hand out a token: the store cannot be reached.
        AuthenticationFailedException => true,

        // Azure.Core's retry policy throws this when every try failed with an exception.
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0
            && aggregate.InnerExceptions.All(inner => IsUnavailable(inner, cancellationToken)),
        _ => false,
    };

    /// <summary>
    /// True when the failure proves the request never reached the service: no connection could be opened for it, no
    /// token could be had for it, or the table it addresses does not exist. Any other failure may have been applied.
    /// </summary>
    public static bool NothingSent(Exception exception) => exception switch
    {
        RequestFailedException { InnerException: { } inner } when NothingSent(inner) => true,
        RequestFailedException failure => IsTableMissing(failure),
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } => true,
        AuthenticationFailedException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(NothingSent),
        _ => false,
    };

    /// <summary>
    /// True when the service turned the request away for load: 503 with the error code <c>ServerBusy</c>, what Table
    /// Storage answers past a partition's (about 2,000 entities a second) or an account's target. The service throttles
    /// a request before handling it, so a transaction so answered was not applied; any other 5xx (a 500
    /// <c>OperationTimedOut</c>, a 503 without that code) may have been.
    /// </summary>
    public static bool IsServerBusy(Exception exception) =>
        exception is RequestFailedException { Status: 503 } failure && string.Equals(failure.ErrorCode, ServerBusy, StringComparison.Ordinal);

    /// <summary>The service's error code for throttling (not among the SDK's <see cref="TableErrorCode"/> values).</summary>
    public const string ServerBusy = "ServerBusy";

    public static bool IsTableMissing(RequestFailedException failure) =>
        failure is { Status: 404 } && HasCode(failure, TableErrorCode.TableNotFound);

    public static bool HasCode(RequestFailedException failure, TableErrorCode code)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return string.Equals(failure.ErrorCode, code.ToString(), StringComparison.Ordinal);
    }
}
