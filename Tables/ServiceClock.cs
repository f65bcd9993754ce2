using Azure;
using Azure.Data.Tables;

namespace LiveCounter.Tables;

/// <summary>The Table service's own time, as its answers tell it (<c>Date</c>: to the second, truncated).</summary>
internal static class ServiceClock
{
    /// <summary>No counter's partition: a counter's name starts with a letter or a digit.</summary>
    const string NoCounter = "-";

    /// <summary>The service's time now, from its answer to a read of a row that never exists.</summary>
    /// <exception cref="InvalidOperationException">The answer carried no <c>Date</c>.</exception>
    public static async Task<DateTimeOffset> NowAsync(TableClient table, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var answer = await table.GetEntityIfExistsAsync<TableEntity>(NoCounter, "clock", select: ["PartitionKey"], cancellationToken);
        return DateOf(answer.GetRawResponse());
    }

    /// <exception cref="InvalidOperationException">The answer carried no <c>Date</c>.</exception>
    public static DateTimeOffset DateOf(Response answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        return answer.Headers.Date
            ?? throw new InvalidOperationException("The Table service answered without a Date header: without its clock, no record can be judged expired.");
    }
}
