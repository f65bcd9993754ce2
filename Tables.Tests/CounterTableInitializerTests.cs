using LiveCounter.Storage;
using LiveCounter.Tables.Testing;
using LiveCounter.Tests.Support;
using static LiveCounter.Tests.Support.Requests;

namespace LiveCounter.Tables.Tests;

/// <summary>The host's start creates the counters table; a Table service out of reach stops it with a clear error.</summary>
public sealed class CounterTableInitializerTests(AzuriteFixture azurite)
{
    readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    static string NewTableName() => "t" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Starting_creates_the_missing_table_so_the_first_commit_lands()
    {
        var table = CounterTable.Connect(azurite.Azurite.ConnectionString(), NewTableName());
        var store = new TableCounterStore(table);

        await new CounterTableInitializer(table).StartAsync(_ct);
        await new CounterTableInitializer(table).StartAsync(_ct);

        var outcome = await store.CommitAsync(Batches.On(await store.ReadAsync(Hits, _ct), (1, null, null)), _ct);
        Assert.IsType<CommitOutcome.Committed>(outcome);
    }

    [Fact]
    public async Task A_table_service_out_of_reach_stops_the_host_naming_the_table_and_the_setting()
    {
        var name = NewTableName();
        var table = CounterTable.Connect(azurite.Azurite.ConnectionString(port: LoopbackPort.Free()), name);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => new CounterTableInitializer(table).StartAsync(_ct));

        Assert.Contains($"'{name}'", failure.Message, StringComparison.Ordinal);
        Assert.Contains($"'{CounterStorage.Setting}'", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Azurite", failure.Message, StringComparison.Ordinal);
    }
}
