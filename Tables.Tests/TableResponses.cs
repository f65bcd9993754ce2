using Azure;
using Azure.Data.Tables;
using Moq;

namespace LiveCounter.Tables.Tests;

/// <summary>Responses and failures of <see cref="TableClient"/>, built with the SDK's own public factories.</summary>
public static class TableResponses
{
    public static Task<NullableResponse<T>> Found<T>(T entity)
        where T : class => Task.FromResult<NullableResponse<T>>(Response.FromValue(entity, Mock.Of<Response>()));

    public static Task<NullableResponse<T>> Missing<T>()
        where T : class => Task.FromResult(Mock.Of<NullableResponse<T>>(response => response.HasValue == false));

    public static Task<Response<IReadOnlyList<Response>>> Committed() =>
        Task.FromResult(Response.FromValue<IReadOnlyList<Response>>([], Mock.Of<Response>()));

    public static Task<Response<IReadOnlyList<Response>>> Rejected(Exception failure) =>
        Task.FromException<Response<IReadOnlyList<Response>>>(failure);

    /// <summary>A failed transaction as the SDK reports it: the failing action's status, code and index.</summary>
    /// <remarks>
    /// The SDK takes the index from the service's "index:message" error text and keeps it in
    /// <c>Exception.Data["FailedEntity"]</c>, from where <see cref="TableTransactionFailedException"/> reads it.
    /// </remarks>
    public static TableTransactionFailedException TransactionFailure(int status, string errorCode, int? failedIndex)
    {
        var failure = new RequestFailedException(status, $"{failedIndex}:{errorCode}", errorCode, null);
        if (failedIndex is { } index)
        {
            failure.Data["FailedEntity"] = index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return new TableTransactionFailedException(failure);
    }
}
