using LiveCounter.Increments;
using LiveCounter.Tables;
using Xunit;

namespace LiveCounter.Tables.Tests;

public sealed class RowKeysTests
{
    static readonly IdempotencyKey Key = IdempotencyKey.Parse("k-1").Value!;

    [Fact]
    public void AVisitorsRowsAreKeyedByAHashSoTheIdNeverReachesTheService()
    {
        var visitorRow = RowKeys.Visitor(TestVisitors.Alice);
        var recordRow = RowKeys.Record(TestVisitors.Alice, Key);

        Assert.DoesNotContain(TestVisitors.AliceId, visitorRow, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(TestVisitors.AliceId, recordRow, StringComparison.OrdinalIgnoreCase);
        Assert.Matches("^visitor:[0-9a-f]{64}$", visitorRow);
        Assert.Matches("^key:[0-9a-f]{64}:k-1$", recordRow);
    }

    [Fact]
    public void AnIdempotencyKeyIsScopedToItsVisitorOrToAnonymous()
    {
        Assert.Equal("key:anonymous:k-1", RowKeys.Record(null, Key));
        Assert.NotEqual(RowKeys.Record(TestVisitors.Alice, Key), RowKeys.Record(TestVisitors.Bob, Key));
        Assert.Equal(RowKeys.Record(TestVisitors.Alice, Key), RowKeys.Record(TestVisitors.Alice, Key));
    }

    [Fact]
    public void EveryRowKeyAvoidsTheCharactersTableStorageForbids()
    {
        foreach (var key in new[] { RowKeys.State, RowKeys.Visitor(TestVisitors.Alice), RowKeys.Record(null, Key), RowKeys.Record(TestVisitors.Bob, Key) })
        {
            Assert.DoesNotMatch(@"[/\\#?\x00-\x1F\x7F-\x9F]", key);
        }
    }
}
