using LiveCounter.Tables.Testing;

[assembly: AssemblyFixture(typeof(LiveCounter.Tables.Tests.AzuriteFixture))]

namespace LiveCounter.Tables.Tests;

/// <summary>One Azurite for the whole run; every test makes a table of its own in it.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    public Azurite Azurite { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Azurite = await Azurite.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await Azurite.DisposeAsync();
}
