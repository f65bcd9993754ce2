using LiveCounter.Standalone.Realtime;
using LiveCounter.Tables;
using Microsoft.Extensions.Configuration;
using StackExchange.Redis;

namespace LiveCounter.Standalone.Tests.Realtime;

/// <summary>The setting <c>RealtimeBackplane</c>: when it is taken, how the Redis connection is made, and when the app refuses to start.</summary>
public sealed class BackplaneSettingTests
{
    const string Storage = "UseDevelopmentStorage=true";

    static IConfiguration Settings(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();

    [Fact]
    public async Task RealtimeBackplane_without_CountersStorage_is_refused_at_start_up_with_a_message_naming_both_and_why()
    {
        await using var server = new LiveCounterServer().WithSetting(RealtimeBackplane.Setting, "127.0.0.1:6379");

        var failure = await Record.ExceptionAsync(() => server.InitializeAsync().AsTask());

        var refusal = Assert.IsType<InvalidOperationException>(Innermost(failure));
        Assert.Contains("'RealtimeBackplane' is set but 'CountersStorage' is not", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("in-memory counters cannot be shared", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_the_setting_there_is_no_backplane()
    {
        Assert.Null(RealtimeBackplane.ConfigurationFrom(Settings((CounterStorage.Setting, Storage))));
        Assert.Null(RealtimeBackplane.ConfigurationFrom(Settings((CounterStorage.Setting, Storage), (RealtimeBackplane.Setting, ""))));
    }

    [Fact]
    public void The_connection_starts_without_Redis_reconnects_on_its_own_and_fails_sends_at_once_while_Redis_is_down()
    {
        var redis = RealtimeBackplane.ConfigurationFrom(Settings(
            (CounterStorage.Setting, Storage), (RealtimeBackplane.Setting, "127.0.0.1:6390,abortConnect=true")))!;

        Assert.Equal("127.0.0.1:6390", Assert.Single(redis.EndPoints).ToString());
        Assert.False(redis.AbortOnConnectFail);
        Assert.Same(BacklogPolicy.FailFast, redis.BacklogPolicy);
        Assert.False(redis.IncludeDetailInExceptions);
    }

    [Fact]
    public void Channels_carry_the_apps_prefix_unless_the_configuration_string_names_one()
    {
        var byDefault = RealtimeBackplane.ConfigurationFrom(Settings((CounterStorage.Setting, Storage), (RealtimeBackplane.Setting, "127.0.0.1:6379")))!;
        var named = RealtimeBackplane.ConfigurationFrom(Settings((CounterStorage.Setting, Storage), (RealtimeBackplane.Setting, "127.0.0.1:6379,channelPrefix=staging")))!;

        Assert.Equal(RealtimeBackplane.DefaultChannelPrefix, byDefault.ChannelPrefix.ToString());
        Assert.Equal("staging", named.ChannelPrefix.ToString());
    }

    [Fact]
    public void A_setting_that_is_no_configuration_string_is_refused_naming_the_setting()
    {
        var refusal = Assert.Throws<InvalidOperationException>(() => RealtimeBackplane.ConfigurationFrom(
            Settings((CounterStorage.Setting, Storage), (RealtimeBackplane.Setting, "127.0.0.1:6379,noSuchOption=1"))));

        Assert.StartsWith("'RealtimeBackplane' must be a StackExchange.Redis configuration string", refusal.Message, StringComparison.Ordinal);
    }

    static Exception? Innermost(Exception? failure)
    {
        while (failure?.InnerException is { } inner)
        {
            failure = inner;
        }

        return failure;
    }
}
