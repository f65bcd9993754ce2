using LiveCounter.Tables;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace LiveCounter.Tables.Tests;

public sealed class CounterStorageTests
{
    [Fact]
    public void A_connection_string_setting_selects_that_account()
    {
        var client = CounterStorage.Connect(Settings(("CountersStorage", "UseDevelopmentStorage=true"))).Reads;

        Assert.Equal("devstoreaccount1", client.AccountName);
    }

    [Theory]
    [InlineData("11111111-2222-4333-8444-555555555555")]
    [InlineData(null)]
    public void A_table_service_uri_selects_identity_based_access(string? clientId)
    {
        var settings = clientId is null
            ? Settings(("CountersStorage:tableServiceUri", "https://livecounter.table.core.windows.net/"))
            : Settings(("CountersStorage:tableServiceUri", "https://livecounter.table.core.windows.net/"), ("CountersStorage:clientId", clientId));

        var client = CounterStorage.Connect(settings).Reads;

        Assert.Equal("livecounter", client.AccountName);
        Assert.Equal("livecounter.table.core.windows.net", client.Uri.Host);
    }

    [Fact]
    public void No_storage_setting_is_a_clear_configuration_error()
    {
        var error = Assert.Throws<InvalidOperationException>(() => CounterStorage.Connect(Settings()));

        Assert.Contains("CountersStorage", error.Message, StringComparison.Ordinal);
    }

    static IConfigurationRoot Settings(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(setting => new KeyValuePair<string, string?>(setting.Key, setting.Value)))
            .Build();
}
