using LiveCounter.Tables;
using LiveCounter.Tables.Testing;
using Microsoft.AspNetCore.Hosting;

namespace LiveCounter.Standalone.Tests.Infrastructure;

/// <summary>Standalone on the Table store, as <c>--CountersStorage "&lt;connection string&gt;"</c> runs it, against an Azurite of its own.</summary>
public sealed class TableLiveCounterServer : LiveCounterServer
{
    Azurite? _azurite;

    public override async ValueTask InitializeAsync()
    {
        _azurite = await Azurite.StartAsync(TestContext.Current.CancellationToken);
        await base.InitializeAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting(CounterStorage.Setting, _azurite!.ConnectionString());
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }
}
