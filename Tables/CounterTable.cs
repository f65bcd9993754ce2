using Azure.Core;
using Azure.Data.Tables;

namespace LiveCounter.Tables;

/// <summary>The <c>counters</c> table, through two clients: reads retry on their own, transactions are sent once per try.</summary>
/// <remarks>
/// Azure.Core's retry policy resends a request whose answer was lost, a <c>$batch</c> included
/// (Azure/azure-sdk-for-net#46845): a committed transaction sent again fails with 412 or 409 and would look like a
/// conflict or a replay. With the SDK's retries off for transactions, every try is the store's own: a connection that
/// could not even be opened proves nothing was sent, and any other failure is resolved by reading back
/// (<see cref="TableCounterStore"/>), so the use case, not the SDK, decides when to send again.
/// </remarks>
public sealed record CounterTable(TableClient Reads, TableClient Transactions)
{
    public const string Name = "counters";

    /// <summary>A request without an answer after this long is given up and treated as a lost answer.</summary>
    static readonly TimeSpan NetworkTimeout = TimeSpan.FromSeconds(10);

    public static CounterTable Connect(string connectionString, string tableName = Name) => new(
        new TableClient(connectionString, tableName, Options(retries: 3)),
        new TableClient(connectionString, tableName, Options(retries: 0)));

    public static CounterTable Connect(Uri serviceUri, TokenCredential credential, string tableName = Name) => new(
        new TableServiceClient(serviceUri, credential, Options(retries: 3)).GetTableClient(tableName),
        new TableServiceClient(serviceUri, credential, Options(retries: 0)).GetTableClient(tableName));

    static TableClientOptions Options(int retries)
    {
        var options = new TableClientOptions();
        options.Retry.MaxRetries = retries;
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.Delay = TimeSpan.FromMilliseconds(100);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        options.Retry.NetworkTimeout = NetworkTimeout;
        return options;
    }
}
