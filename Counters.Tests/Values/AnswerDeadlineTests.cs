using Microsoft.Extensions.Time.Testing;

namespace LiveCounter.Tests.Values;

public sealed class AnswerDeadlineTests
{
    readonly FakeTimeProvider _time = new();

    [Fact]
    public void What_is_left_shrinks_as_the_request_waits()
    {
        var arrived = _time.GetTimestamp();
        _time.Advance(TimeSpan.FromSeconds(4));

        Assert.Equal(TimeSpan.FromSeconds(6), AnswerDeadline.Default.LeftFor(arrived, _time));
    }

    [Fact]
    public void Past_the_deadline_nothing_is_left_rather_than_less_than_nothing()
    {
        var arrived = _time.GetTimestamp();
        _time.Advance(TimeSpan.FromSeconds(11));

        Assert.Equal(TimeSpan.Zero, AnswerDeadline.Default.LeftFor(arrived, _time));
    }
}
