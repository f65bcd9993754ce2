namespace LiveCounter.Tables.Tests;

/// <summary>A record's expiry, judged on the Table service's clock: its stamp plus its own window, whatever its writer's clock said.</summary>
public sealed class RecordExpiryTests
{
    static readonly DateTimeOffset Stamped = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);
    static readonly TimeSpan Day = TimeSpan.FromDays(1);

    [Theory]
    [InlineData(0, false)]
    [InlineData(19.999, false)]
    [InlineData(20, true)]
    [InlineData(3600, true)]
    public void A_record_expires_its_own_window_after_the_service_stamped_it(double serviceSecondsLater, bool expired)
    {
        var created = Stamped;
        Assert.Equal(expired, RecordExpiry.HasExpired(Stamped, created, created + TimeSpan.FromSeconds(20), Day, Stamped + TimeSpan.FromSeconds(serviceSecondsLater)));
    }

    [Theory]
    [InlineData(25)]
    [InlineData(-25)]
    [InlineData(24 * 365)]
    public void A_writer_s_clock_however_far_off_moves_nothing_but_the_window_it_wrote(double writerHoursOff)
    {
        var created = Stamped + TimeSpan.FromHours(writerHoursOff);
        var expires = created + TimeSpan.FromSeconds(20);

        Assert.False(RecordExpiry.HasExpired(Stamped, created, expires, Day, Stamped + TimeSpan.FromSeconds(15)));
        Assert.True(RecordExpiry.HasExpired(Stamped, created, expires, Day, Stamped + TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public void A_record_without_an_expiry_of_its_own_has_the_legacy_window_whatever_its_creation_time_says()
    {
        var createdLongAgo = Stamped - TimeSpan.FromDays(30);

        Assert.False(RecordExpiry.HasExpired(Stamped, createdLongAgo, expiresAt: null, Day, Stamped + TimeSpan.FromHours(23)));
        Assert.True(RecordExpiry.HasExpired(Stamped, createdLongAgo, expiresAt: null, Day, Stamped + Day));
    }

    [Fact]
    public void A_record_whose_stamp_was_not_read_is_kept()
    {
        Assert.False(RecordExpiry.HasExpired(timestamp: null, Stamped, Stamped + TimeSpan.FromSeconds(1), Day, Stamped + TimeSpan.FromDays(365)));
    }
}
