using LiveCounter.Functions.Realtime;
using LiveCounter.Realtime;
using LiveCounter.Subscriptions;
using LiveCounter.Visitors;
using LiveCounter.Wire;
using Microsoft.Azure.Functions.Worker;

namespace LiveCounter.Functions.Tests.Realtime;

public sealed class SignalROutputsTests
{
    static readonly VisitorId Alice = VisitorId.Parse("3f2b8c1e-5d4a-4b7e-9c2f-1a6d8e0b4c7a", "test").Value!;
    static readonly LanesView Lanes = LanesView.Of(("lane-09", 3, 3));
    static readonly CounterView Updated = new("votes", 3, 3, null, Lanes);
    static readonly IncrementAppliedView Applied = new("votes", 3, 3, Lanes, 2, 5);
    static readonly Subscription ToVotes = Subscription.FromRoute("votes", "conn-1").Value!;

    [Fact]
    public void Messages_go_to_the_counter_group_and_to_the_visitor_as_signalr_user_with_their_argument()
    {
        var messages = SignalROutputs.Messages(new Broadcast(new CounterUpdate("counter:votes", Updated), new VisitorUpdate(Alice, Applied)))!;

        Assert.Equal(2, messages.Length);
        Assert.Equal(("counterUpdated", "counter:votes", null), (messages[0].Target, messages[0].GroupName, messages[0].UserId));
        Assert.Equal([Updated], messages[0].Arguments);
        Assert.Equal(("incrementApplied", null, Alice.Value), (messages[1].Target, messages[1].GroupName, messages[1].UserId));
        Assert.Equal([Applied], messages[1].Arguments);
    }

    [Fact]
    public void No_messages_is_no_output_at_all_rather_than_an_empty_one()
    {
        Assert.Null(SignalROutputs.Messages(Broadcast.Nothing));
        Assert.Null(SignalROutputs.Join(null));
        Assert.Null(SignalROutputs.Leave(null));
    }

    [Fact]
    public void A_join_adds_the_connection_to_the_counter_group_and_a_leave_removes_it()
    {
        var add = SignalROutputs.Join(ToVotes)!;
        var remove = SignalROutputs.Leave(ToVotes)!;

        Assert.Equal((SignalRGroupActionType.Add, "conn-1", "counter:votes"), (add.Action, add.ConnectionId, add.GroupName));
        Assert.Equal((SignalRGroupActionType.Remove, "conn-1", "counter:votes"), (remove.Action, remove.ConnectionId, remove.GroupName));
        Assert.Null(add.UserId);
    }
}
