using LiveCounter.Storage;

namespace LiveCounter.Tests.Storage;

/// <summary>A lane's commit log names the commit that started from each of its last 32 versions, and is stored as text.</summary>
public sealed class CommitLogTests
{
    static readonly CommitId First = new("0123456789abcdef");
    static readonly CommitId Second = new("fedcba9876543210");

    [Fact]
    public void Each_version_names_the_commit_that_started_from_it()
    {
        var log = CommitLog.Empty.After(new CounterVersion(0), First).After(new CounterVersion(3), Second);

        Assert.Equal(First, log.CommitFrom(new CounterVersion(0)));
        Assert.Equal(Second, log.CommitFrom(new CounterVersion(3)));
        Assert.Null(log.CommitFrom(new CounterVersion(1)));
    }

    [Fact]
    public void Only_the_last_32_commits_are_kept()
    {
        var log = CommitLog.Empty;
        for (var version = 0; version <= CommitLog.Capacity; version++)
        {
            log = log.After(new CounterVersion(version), new CommitId($"c{version}"));
        }

        Assert.Null(log.CommitFrom(new CounterVersion(0)));
        Assert.Equal(new CommitId("c1"), log.CommitFrom(new CounterVersion(1)));
        Assert.Equal(new CommitId($"c{CommitLog.Capacity}"), log.CommitFrom(new CounterVersion(CommitLog.Capacity)));
    }

    [Fact]
    public void The_stored_form_reads_back_as_the_same_log()
    {
        var log = CommitLog.Empty.After(new CounterVersion(0), First).After(new CounterVersion(12), Second);

        Assert.Equal("0:0123456789abcdef 12:fedcba9876543210", log.ToString());
        Assert.Equal(log.ToString(), CommitLog.Parse(log.ToString()).ToString());
        Assert.Equal(Second, CommitLog.Parse(log.ToString()).CommitFrom(new CounterVersion(12)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Nothing_stored_is_the_empty_log(string? stored) =>
        Assert.Equal("", CommitLog.Parse(stored).ToString());

    [Fact]
    public void A_stored_log_longer_than_32_keeps_its_last_entries()
    {
        var stored = string.Join(' ', Enumerable.Range(0, CommitLog.Capacity + 1).Select(version => $"{version}:c{version}"));

        var log = CommitLog.Parse(stored);

        Assert.Null(log.CommitFrom(new CounterVersion(0)));
        Assert.Equal(new CommitId("c1"), log.CommitFrom(new CounterVersion(1)));
    }

    [Theory]
    [InlineData("12")]
    [InlineData(":abc")]
    [InlineData("-1:abc")]
    [InlineData("x:abc")]
    public void An_entry_that_is_not_base_and_id_is_a_format_error(string stored) =>
        Assert.Throws<FormatException>(() => CommitLog.Parse(stored));
}
