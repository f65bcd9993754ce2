using Azure.Data.Tables;
using LiveCounter.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LiveCounter.Standalone.Tests.Browser;

/// <summary>The pages against Standalone on the Table store (Azurite), as <c>--CountersStorage</c> runs it.</summary>
public sealed class LivePagesOnTheTableStoreTests(TableLiveCounterServer server, Chromium chromium)
    : IClassFixture<TableLiveCounterServer>, IClassFixture<Chromium>
{
    static readonly LocatorAssertionsToHaveTextOptions Eventually = new() { Timeout = 30_000 };

    [Fact]
    public async Task Clicks_show_on_the_counter_page_and_the_process_s_lane_row_holds_the_value_the_page_shows()
    {
        var name = $"tables-{Guid.NewGuid():N}"[..20];
        await using var clicker = await chromium.NewVisitorAsync(server.BaseAddress);
        await using var viewer = await chromium.NewVisitorAsync(server.BaseAddress);
        var incrementPage = await clicker.NewPageAsync();
        var counterPage = await viewer.NewPageAsync();
        await incrementPage.GotoAsync($"increment/?name={name}");
        await counterPage.GotoAsync($"counter/?name={name}");
        await Expect(incrementPage.GetByTestId("connection-status")).ToHaveTextAsync("live", Eventually);
        await Expect(counterPage.GetByTestId("connection-status")).ToHaveTextAsync("live", Eventually);

        for (var click = 1; click <= 3; click++)
        {
            await incrementPage.GetByTestId("increment-button").ClickAsync();
            await Expect(counterPage.GetByTestId("counter-value")).ToHaveTextAsync($"{click}", Eventually);
        }

        var table = server.Services.GetRequiredService<CounterTable>();
        var rows = await table.Reads.QueryAsync<TableEntity>(row => row.PartitionKey == name, cancellationToken: TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);
        var lane = Assert.Single(rows, row => row.RowKey.StartsWith(RowKeys.LanesFrom, StringComparison.Ordinal));
        Assert.Equal((3L, 3L), (lane.GetInt64("Value"), lane.GetInt64("Version")));
        await Expect(incrementPage.GetByTestId("your-total")).ToHaveTextAsync("3");
    }
}
