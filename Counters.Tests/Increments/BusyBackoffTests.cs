using LiveCounter.Increments;

namespace LiveCounter.Tests.Increments;

public sealed class BusyBackoffTests
{
    static readonly BusyBackoff Backoff = BusyBackoff.Default;

    [Theory]
    [InlineData(1, 100)]
    [InlineData(2, 200)]
    [InlineData(3, 400)]
    [InlineData(4, 800)]
    [InlineData(5, 1000)]
    [InlineData(500, 1000)]
    public void Each_wait_in_a_row_lies_between_half_its_ceiling_and_the_ceiling_which_doubles_up_to_a_second(int refusals, int ceilingMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(ceilingMs / 2.0), Backoff.DelayAfter(refusals, unitRandom: 0));
        Assert.Equal(TimeSpan.FromMilliseconds(ceilingMs * 0.75), Backoff.DelayAfter(refusals, unitRandom: 0.5));
        Assert.True(Backoff.DelayAfter(refusals, unitRandom: 0.999) < TimeSpan.FromMilliseconds(ceilingMs));
    }

    [Theory]
    [InlineData(0, 2)]
    [InlineData(0.19, 2)]
    [InlineData(0.2, 3)]
    [InlineData(0.5, 4)]
    [InlineData(0.99, 6)]
    [InlineData(1, 6)]
    public void A_client_is_told_to_come_back_after_two_to_six_seconds_each_as_likely(double unitRandom, int seconds) =>
        Assert.Equal(seconds, Backoff.RetryAfterSeconds(unitRandom));
}
