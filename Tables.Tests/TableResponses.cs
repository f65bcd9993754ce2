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

    /// <summary>A missing row, in an answer that carries <paramref name="answer"/>'s headers.</summary>
    public static Task<NullableResponse<T>> MissingAnswered<T>(Response answer)
        where T : class => Task.FromResult(Mock.Of<NullableResponse<T>>(response => response.HasValue == false && response.GetRawResponse() == answer));

    /// <summary>An answer of the service dated <paramref name="date"/>, as its <c>Date</c> header says (none when null).</summary>
    public static Response DatedAnswer(DateTimeOffset? date) => new Dated(date?.ToString("R", System.Globalization.CultureInfo.InvariantCulture));

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

    /// <summary>An empty 200 answer with one header, <c>Date</c>, or none.</summary>
    sealed class Dated(string? date) : Response
    {
        public override int Status => 200;

        public override string ReasonPhrase => "OK";

        public override Stream? ContentStream { get; set; }

        public override string ClientRequestId { get; set; } = string.Empty;

        public override void Dispose()
        {
        }

        protected override bool ContainsHeader(string name) => name == "Date" && date is not null;

        protected override IEnumerable<Azure.Core.HttpHeader> EnumerateHeaders() => date is null ? [] : [new("Date", date)];

        protected override bool TryGetHeader(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value)
        {
            value = name == "Date" ? date : null;
            return value is not null;
        }

        protected override bool TryGetHeaderValues(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IEnumerable<string>? values)
        {
            values = name == "Date" && date is not null ? [date] : null;
            return values is not null;
        }
    }
}
