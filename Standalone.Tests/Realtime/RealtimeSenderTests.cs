using LiveCounter.Api.Increments;
using LiveCounter.Api.Subscriptions;
using LiveCounter.Realtime;
using LiveCounter.Standalone.Realtime;
using LiveCounter.Subscriptions;
using LiveCounter.Visitors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace LiveCounter.Standalone.Tests.Realtime;

/// <summary>
/// No answer waits on a subscriber's socket: against a hub whose sends never complete (every recipient stuck), an
/// answer is handed back while its messages are still being written, and they are given up at the send bound.
/// </summary>
public sealed class RealtimeSenderTests
{
    static readonly VisitorId Visitor = VisitorId.Parse("3f2c9a1e-5d4b-4c3a-9b2a-1e0f9d8c7b6a", "test").Value!;

    readonly FakeTimeProvider _time = new();
    readonly List<(string Target, CancellationToken Bound)> _sends = [];
    readonly List<string> _joined = [];
    readonly Mock<IHubContext<CounterHub>> _hub = new();

    public RealtimeSenderTests()
    {
        var stuck = new Mock<IClientProxy>();
        stuck.Setup(c => c.SendCoreAsync(It.IsAny<string>(), It.IsAny<object?[]>(), It.IsAny<CancellationToken>()))
            .Returns((string target, object?[] _, CancellationToken bound) =>
            {
                lock (_sends)
                {
                    _sends.Add((target, bound));
                }

                return Task.Delay(Timeout.Infinite, bound);
            });
        var clients = new Mock<IHubClients>();
        clients.Setup(c => c.Group(It.IsAny<string>())).Returns(stuck.Object);
        clients.Setup(c => c.User(It.IsAny<string>())).Returns(stuck.Object);
        var groups = new Mock<IGroupManager>();
        groups.Setup(g => g.AddToGroupAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Callback((string connection, string group, CancellationToken _) => _joined.Add(connection + " " + group))
            .Returns(Task.CompletedTask);
        _hub.Setup(h => h.Clients).Returns(clients.Object);
        _hub.Setup(h => h.Groups).Returns(groups.Object);
    }

    RealtimeSender Sender() => new(_hub.Object, new ConnectionRegistry(_time), _time, NullLogger<RealtimeSender>.Instance);

    static IncrementResponse Answer(Broadcast broadcast) => new(new IncrementOk(new IncrementView("hits", 1, 1, null, Lanes, 1, 1), replayed: false), broadcast);

    static readonly LanesView Lanes = LanesView.Of(("lane-03", 1, 1));

    static readonly Broadcast Both = new(new CounterUpdate("counter:hits", new CounterView("hits", 1, 1, null, Lanes)), new VisitorUpdate(Visitor, new IncrementAppliedView("hits", 1, 1, Lanes, 1, 1)));

    [Fact]
    public void An_answer_whose_recipients_all_stopped_reading_is_handed_back_while_its_messages_are_still_being_written()
    {
        var answer = Answer(Both);

        var result = Sender().Send(answer);

        Assert.Same(answer.Result, result);
        Assert.Equal([CounterHubContract.CounterUpdated, CounterHubContract.IncrementApplied], _sends.Select(s => s.Target));
        Assert.All(_sends, send => Assert.False(send.Bound.IsCancellationRequested));
    }

    [Fact]
    public void An_answer_that_sends_nothing_touches_no_connection()
    {
        Sender().Send(Answer(Broadcast.Nothing));

        Assert.Empty(_sends);
    }

    [Fact]
    public void A_message_still_waiting_for_a_stuck_recipient_is_given_up_at_the_send_bound()
    {
        Sender().Send(Answer(Both with { ToVisitor = null }));
        var bound = Assert.Single(_sends).Bound;

        _time.Advance(RealtimeSender.SendBound - TimeSpan.FromMilliseconds(1));
        Assert.False(bound.IsCancellationRequested);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.True(bound.IsCancellationRequested);
    }

    [Fact]
    public async Task A_subscription_is_answered_once_the_connection_is_in_the_group()
    {
        var subscription = Subscription.FromRoute("hits", "conn-1").Value!;

        await Sender().JoinAsync(new SubscriptionResponse(TypedResults.NoContent(), subscription));

        Assert.Equal(["conn-1 counter:hits"], _joined);
    }
}
