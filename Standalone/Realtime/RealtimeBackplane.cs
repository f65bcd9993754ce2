using System.Net;
using LiveCounter.Tables;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using StackExchange.Redis;

namespace LiveCounter.Standalone.Realtime;

/// <summary>
/// The setting <c>RealtimeBackplane</c>: several Standalone instances on one Table store share ASP.NET Core SignalR's
/// Redis backplane, so a message sent by any of them reaches its group's or user's connections on all of them.
/// </summary>
/// <remarks>
/// A backplane that goes away must never fail or slow an increment, and the app must start without it. So the
/// connection to Redis is made with <c>AbortOnConnectFail</c> off (the multiplexer keeps reconnecting by itself) and
/// fails commands at once while it has no connection instead of queueing them (<see cref="BacklogPolicy.FailFast"/>):
/// a message sent meanwhile is dropped, which delivery at most once allows, rather than held in memory for an outage
/// of any length. This class holds that connection so the sender can tell whether it is up: through SignalR's Redis
/// lifetime manager a group's messages always go through Redis, even to this instance's own connections.
/// </remarks>
public sealed partial class RealtimeBackplane(ILogger<RealtimeBackplane> logger)
{
    public const string Setting = "RealtimeBackplane";

    /// <summary>
    /// Put before every channel name unless the configuration string names its own <c>channelPrefix</c>: SignalR's
    /// channels are named after the hub and the group, so two deployments sharing one Redis would otherwise hear each
    /// other's counters. Give each deployment its own prefix; instances of one deployment must share it.
    /// </summary>
    public const string DefaultChannelPrefix = "LiveCounter";

    IConnectionMultiplexer? _connection;

    /// <summary>False while the connection to Redis is down; true before it was first made (sends then wait for it).</summary>
    public bool MaySend => _connection is not { IsConnected: false };

    /// <summary>True once connected to Redis, while the connection lasts.</summary>
    public bool IsConnected => _connection is { IsConnected: true };

    /// <summary>The backplane's configuration from <paramref name="configuration"/>, or null when the setting is absent.</summary>
    /// <exception cref="InvalidOperationException">
    /// The setting is present without <c>CountersStorage</c>, or is not a StackExchange.Redis configuration string.
    /// </exception>
    public static ConfigurationOptions? ConfigurationFrom(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration[Setting] is not { Length: > 0 } setting)
        {
            return null;
        }

        if (!CounterStorage.IsConfigured(configuration))
        {
            throw new InvalidOperationException(
                $"'{Setting}' is set but '{CounterStorage.Setting}' is not: the instances that share a backplane must share "
                + $"their counters too, and in-memory counters cannot be shared. Set '{CounterStorage.Setting}' to the Table "
                + $"store all instances use, or remove '{Setting}' to run one instance on its own.");
        }

        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(setting);
        }
        catch (ArgumentException invalid)
        {
            throw new InvalidOperationException(
                $"'{Setting}' must be a StackExchange.Redis configuration string such as '127.0.0.1:6379': {invalid.Message}", invalid);
        }

        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;

        // A failed command's message would name its channel, and a visitor's channel is named after the visitor id.
        options.IncludeDetailInExceptions = false;
        if (options.ChannelPrefix.IsNullOrEmpty)
        {
            options.ChannelPrefix = RedisChannel.Literal(DefaultChannelPrefix);
        }

        return options;
    }

    /// <summary>
    /// Drops this instance's registration of a group's channel, and with it any queue left behind by a subscription
    /// that failed. Only for a group none of this instance's connections is in: it silences the channel here.
    /// </summary>
    /// <remarks>The channel's name is SignalR's (ASP.NET Core 10): the hub's full type name, <c>:group:</c>, the group.</remarks>
    internal async Task ForgetGroupChannelAsync(string group)
    {
        if (_connection is { } connection)
        {
            await connection.GetSubscriber().UnsubscribeAsync(RedisChannel.Literal(GroupChannel(group)));
        }
    }

    /// <summary>The name SignalR gives a group's channel, before the channel prefix.</summary>
    internal static string GroupChannel(string group) => $"{typeof(CounterHub).FullName}:group:{group}";

    /// <summary>The one connection SignalR's Redis lifetime manager asks for, kept so the sender can see its state.</summary>
    internal async Task<IConnectionMultiplexer> ConnectAsync(ConfigurationOptions options, TextWriter log)
    {
        var connection = await ConnectionMultiplexer.ConnectAsync(options, log);
        connection.ConnectionFailed += (_, failed) =>
        {
            if (failed.ConnectionType == ConnectionType.Subscription)
            {
                Lost(logger, failed.EndPoint, failed.FailureType);
            }
        };
        connection.ConnectionRestored += (_, restored) =>
        {
            if (restored.ConnectionType == ConnectionType.Subscription)
            {
                Restored(logger, restored.EndPoint);
            }
        };
        if (connection.IsConnected)
        {
            var withoutPassword = options.ToString(includePassword: false);
            Connected(logger, withoutPassword);
        }
        else
        {
            Unreachable(logger);
        }

        _connection = connection;
        return connection;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The realtime backplane ({EndPoint}) is unreachable ({Failure}): realtime messages are dropped and subscriptions answer 503 until it is back.")]
    static partial void Lost(ILogger logger, EndPoint? endPoint, ConnectionFailureType failure);

    [LoggerMessage(Level = LogLevel.Information, Message = "On the realtime backplane: {Configuration}.")]
    static partial void Connected(ILogger logger, string configuration);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The realtime backplane could not be reached at start-up: realtime messages are dropped and subscriptions answer 503 until it is.")]
    static partial void Unreachable(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "The realtime backplane ({EndPoint}) is back: realtime messages flow again.")]
    static partial void Restored(ILogger logger, EndPoint? endPoint);
}

/// <summary>Registers the backplane when <c>RealtimeBackplane</c> is set.</summary>
public static class RealtimeBackplaneRegistration
{
    /// <inheritdoc cref="RealtimeBackplane.ConfigurationFrom"/>
    public static ISignalRServerBuilder AddRealtimeBackplane(this ISignalRServerBuilder signalR, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(signalR);
        if (RealtimeBackplane.ConfigurationFrom(configuration) is not { } redis)
        {
            return signalR;
        }

        signalR.Services.AddSingleton<RealtimeBackplane>();
        signalR.AddStackExchangeRedis(options => options.Configuration = redis);
        signalR.Services.AddOptions<RedisOptions>().Configure<RealtimeBackplane>((options, backplane) =>
            options.ConnectionFactory = log => backplane.ConnectAsync(options.Configuration, log));
        signalR.Services.AddHostedService<BackplaneConnection>();
        return signalR;
    }

    /// <summary>
    /// SignalR creates its lifetime manager, which connects to Redis, when it is first needed; an instance that only
    /// takes increments would then drop its first messages while connecting. So it is created as the app starts.
    /// The start does not wait for Redis: the app starts without it.
    /// </summary>
    sealed class BackplaneConnection(HubLifetimeManager<CounterHub> lifetime) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            GC.KeepAlive(lifetime);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
