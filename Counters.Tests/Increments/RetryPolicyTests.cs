using LiveCounter.Increments;

namespace LiveCounter.Tests.Increments;

public sealed class RetryPolicyTests
{
    static readonly RetryPolicy Policy = new(MaxAttempts: 10, BaseDelay: TimeSpan.FromMilliseconds(10), MaxDelay: TimeSpan.FromMilliseconds(100));

    [Theory]
    [InlineData(1, 10)]
    [InlineData(2, 20)]
    [InlineData(3, 40)]
    [InlineData(4, 80)]
    [InlineData(5, 100)]
    [InlineData(60, 100)]
    public void The_ceiling_doubles_per_failure_up_to_the_cap(int failures, int ceilingMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(ceilingMs), Policy.DelayAfter(failures, unitRandom: 1));

    [Fact]
    public void The_delay_is_a_random_fraction_of_the_ceiling() =>
        Assert.Equal(TimeSpan.FromMilliseconds(10), Policy.DelayAfter(2, unitRandom: 0.5));

    [Fact]
    public void The_default_budget_is_bounded() =>
        Assert.InRange(
            Enumerable.Range(1, RetryPolicy.Default.MaxAttempts - 1).Sum(n => RetryPolicy.Default.DelayAfter(n, 1).TotalSeconds),
            0.1,
            3);
}
