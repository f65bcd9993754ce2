using Microsoft.Playwright;

namespace LiveCounter.Standalone.Tests.Browser;

/// <summary>Debian's Chromium driven by Playwright; Playwright never downloads a browser of its own here.</summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Assert.True(File.Exists(ExecutablePath), $"Chromium is required at {ExecutablePath} (apt-get install chromium; .ci/run does it).");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            // The machine has no network but loopback: background services would only fail and retry.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>A fresh profile: its own localStorage, so its own visitor id.</summary>
    public Task<IBrowserContext> NewVisitorAsync(Uri baseAddress) =>
        Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseAddress.ToString(), ViewportSize = new ViewportSize { Width = 640, Height = 800 } });

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
