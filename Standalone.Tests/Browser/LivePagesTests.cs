using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LiveCounter.Standalone.Tests.Browser;

/// <summary>The two pages in a real Chromium against a real Standalone, as two visitors would use them.</summary>
public sealed class LivePagesTests(LiveCounterServer server, Chromium chromium)
    : IClassFixture<LiveCounterServer>, IClassFixture<Chromium>, IAsyncLifetime
{
    // How long the pages may take to reach a state that does not depend on a click (connecting, reconnecting):
    // a bound on failure, not a measured speed.
    static readonly LocatorAssertionsToHaveTextOptions Eventually = new() { Timeout = 30_000 };

    // The promise: a click shows on every open counter page within a second.
    static readonly LocatorAssertionsToHaveTextOptions WithinASecond = new() { Timeout = 1_000 };

    readonly HttpClient _api = server.CreateHttpClient();
    readonly string _name = $"e2e-{Guid.NewGuid():N}"[..20];
    readonly List<IBrowserContext> _visitors = [];
    SocketCutter _network = null!;

    public ValueTask InitializeAsync()
    {
        _network = new SocketCutter(server.BaseAddress);
        return ValueTask.CompletedTask;
    }

    async Task<(IBrowserContext Visitor, List<string> Requests)> NewVisitorAsync()
    {
        var visitor = await chromium.NewVisitorAsync(_network.Address);
        _visitors.Add(visitor);
        var requests = new List<string>();
        visitor.Request += (_, request) =>
        {
            lock (requests)
            {
                requests.Add(request.Url);
            }
        };
        return (visitor, requests);
    }

    async Task<IPage> OpenLiveAsync(IBrowserContext visitor, string page)
    {
        var opened = await visitor.NewPageAsync();
        await opened.GotoAsync($"{page}/?name={_name}");
        await Expect(opened.GetByTestId("connection-status")).ToHaveTextAsync("live", Eventually);

        // A reload would lose this mark: the tests check it is still there at the end.
        await opened.EvaluateAsync("() => { window.__sameDocument = true; }");
        return opened;
    }

    static async Task AssertNotReloadedAsync(IPage page) =>
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "The page reloaded.");

    [Fact]
    public async Task Five_clicks_show_on_every_counter_page_and_only_the_clicker_sees_a_total()
    {
        var (clicker, clickerRequests) = await NewVisitorAsync();
        var (viewer, viewerRequests) = await NewVisitorAsync();
        var incrementPage = await OpenLiveAsync(clicker, "increment");
        var clickerCounterPage = await OpenLiveAsync(clicker, "counter");
        var viewerCounterPage = await OpenLiveAsync(viewer, "counter");

        for (var click = 1; click <= 5; click++)
        {
            await incrementPage.GetByTestId("increment-button").ClickAsync();
            await Expect(viewerCounterPage.GetByTestId("counter-value")).ToHaveTextAsync($"{click}", WithinASecond);
        }

        await Expect(clickerCounterPage.GetByTestId("counter-value")).ToHaveTextAsync("5");
        await Expect(incrementPage.GetByTestId("counter-value")).ToHaveTextAsync("5");
        await Expect(incrementPage.GetByTestId("your-total")).ToHaveTextAsync("5");
        await Expect(clickerCounterPage.GetByTestId("your-total")).ToHaveTextAsync("5");
        await Expect(viewerCounterPage.GetByTestId("your-total")).ToBeEmptyAsync();
        await Expect(viewerCounterPage.GetByTestId("your-total")).Not.ToBeVisibleAsync();
        await AssertNotReloadedAsync(viewerCounterPage);
        await AssertNotReloadedAsync(incrementPage);

        await SaveScreenshotsAsync(viewerCounterPage, incrementPage);
        Assert.All(clickerRequests.Concat(viewerRequests), url => Assert.StartsWith(_network.Address.ToString(), url, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Thirty_rapid_clicks_end_at_exactly_thirty()
    {
        var (clicker, _) = await NewVisitorAsync();
        var (viewer, _) = await NewVisitorAsync();
        var incrementPage = await OpenLiveAsync(clicker, "increment");
        var counterPage = await OpenLiveAsync(viewer, "counter");

        var button = incrementPage.GetByTestId("increment-button");
        for (var click = 0; click < 30; click++)
        {
            await button.ClickAsync();
        }

        await Expect(counterPage.GetByTestId("counter-value")).ToHaveTextAsync("30", Eventually);
        await Expect(incrementPage.GetByTestId("your-total")).ToHaveTextAsync("30", Eventually);
        var counter = await _api.GetCounterAsync(_name, TestContext.Current.CancellationToken);
        Assert.Equal((30L, 30L), (counter.Value, counter.Version));
    }

    [Fact]
    public async Task A_chosen_amount_of_ten_adds_ten()
    {
        var (clicker, _) = await NewVisitorAsync();
        var incrementPage = await OpenLiveAsync(clicker, "increment");

        await incrementPage.GetByTestId("amount-10").CheckAsync();
        await incrementPage.GetByTestId("increment-button").ClickAsync();

        await Expect(incrementPage.GetByTestId("counter-value")).ToHaveTextAsync("10", Eventually);
        await Expect(incrementPage.GetByTestId("your-total")).ToHaveTextAsync("10", Eventually);
    }

    [Fact]
    public async Task After_the_network_drops_the_page_reconnects_and_catches_up_with_what_it_missed()
    {
        var (viewer, _) = await NewVisitorAsync();
        var counterPage = await OpenLiveAsync(viewer, "counter");
        await _api.IncrementOkAsync(_name, by: 2, cancellationToken: TestContext.Current.CancellationToken);
        await Expect(counterPage.GetByTestId("counter-value")).ToHaveTextAsync("2", Eventually);

        _network.Cut();
        await Expect(counterPage.GetByTestId("connection-status")).ToHaveTextAsync("reconnecting", Eventually);
        for (var i = 0; i < 3; i++)
        {
            await _api.IncrementOkAsync(_name, by: 5, cancellationToken: TestContext.Current.CancellationToken);
        }

        await Expect(counterPage.GetByTestId("counter-value")).ToHaveTextAsync("2");
        _network.Restore();

        await Expect(counterPage.GetByTestId("connection-status")).ToHaveTextAsync("live", Eventually);
        await Expect(counterPage.GetByTestId("counter-value")).ToHaveTextAsync("17", Eventually);
        await _api.IncrementOkAsync(_name, by: 1, cancellationToken: TestContext.Current.CancellationToken);
        await Expect(counterPage.GetByTestId("counter-value")).ToHaveTextAsync("18", Eventually);
        await AssertNotReloadedAsync(counterPage);
    }

    [Fact]
    public async Task An_invalid_name_is_explained_on_the_page_and_nothing_connects()
    {
        var (visitor, requests) = await NewVisitorAsync();
        var page = await visitor.NewPageAsync();

        await page.GotoAsync("counter/?name=no_underscores");

        await Expect(page.GetByTestId("name-error")).ToBeVisibleAsync();
        Assert.DoesNotContain(requests, url => url.Contains("/api/", StringComparison.Ordinal));
    }

    /// <summary>Each page, and both side by side for the README, under artifacts/screenshots of the repository.</summary>
    static async Task SaveScreenshotsAsync(IPage counterPage, IPage incrementPage)
    {
        var folder = Path.Combine(RepositoryRoot(), "artifacts", "screenshots");
        Directory.CreateDirectory(folder);
        var counter = await counterPage.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, "counter.png") });
        var increment = await incrementPage.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, "increment.png") });

        var sideBySide = await counterPage.Context.NewPageAsync();
        await sideBySide.SetViewportSizeAsync(1320, 820);
        await sideBySide.SetContentAsync(
            "<body style='margin:0;display:flex;gap:20px;padding:10px;background:#888'>" +
            $"<img src='data:image/png;base64,{Convert.ToBase64String(counter)}'>" +
            $"<img src='data:image/png;base64,{Convert.ToBase64String(increment)}'></body>");
        await sideBySide.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, "pages.png") });
        await sideBySide.CloseAsync();
    }

    static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "LiveCounter.slnx")))
            {
                return folder.FullName;
            }
        }

        return AppContext.BaseDirectory;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var visitor in _visitors)
        {
            await visitor.DisposeAsync();
        }

        await _network.DisposeAsync();
        _api.Dispose();
    }
}
