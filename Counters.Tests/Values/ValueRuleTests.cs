using LiveCounter.Increments;
using LiveCounter.Realtime;
using LiveCounter.Visitors;

namespace LiveCounter.Tests.Values;

public sealed class AmountTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(1000)]
    public void Whole_numbers_from_1_to_1000_are_amounts(long value) =>
        Assert.Equal(value, Amount.From(value).Value!.Value);

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1001)]
    [InlineData(long.MaxValue)]
    [InlineData(long.MinValue)]
    public void Anything_else_is_a_bad_request(long value)
    {
        var parsed = Amount.From(value);

        Assert.False(parsed.Succeeded);
        Assert.Equal(400, parsed.Problem.Status);
    }
}

public sealed class IdempotencyKeyTests
{
    [Theory]
    [InlineData("k")]
    [InlineData("3f2c9a1e-5d4b-4c3a-9b2a-1e0f9d8c7b6a")]
    [InlineData("Upper_and-lower_09")]
    public void Keys_of_the_allowed_alphabet_are_accepted(string raw) =>
        Assert.Equal(raw, IdempotencyKey.Parse(raw).Value!.Value);

    [Fact]
    public void Sixty_four_characters_is_the_longest_key()
    {
        Assert.True(IdempotencyKey.Parse(new string('k', 64)).Succeeded);
        Assert.False(IdempotencyKey.Parse(new string('k', 65)).Succeeded);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("a.b")]
    [InlineData("a:b")]
    [InlineData("ключ")]
    [InlineData("a,b")]
    public void Other_keys_are_a_bad_request(string raw) =>
        Assert.Equal(400, IdempotencyKey.Parse(raw).Problem!.Status);
}

public sealed class VisitorIdTests
{
    [Theory]
    [InlineData("3f2c9a1e-5d4b-4c3a-9b2a-1e0f9d8c7b6a")]
    [InlineData("01890a5d-ac96-774b-bcce-b302099a8057")] // version 7
    public void Canonical_lower_case_uuids_are_visitor_ids(string raw) =>
        Assert.Equal(raw, VisitorId.Parse(raw, "X-Visitor-Id").Value!.Value);

    [Theory]
    [InlineData("")]
    [InlineData("not-a-uuid")]
    [InlineData("3F2C9A1E-5D4B-4C3A-9B2A-1E0F9D8C7B6A")] // upper case: another spelling of a user id
    [InlineData("{3f2c9a1e-5d4b-4c3a-9b2a-1e0f9d8c7b6a}")]
    [InlineData("3f2c9a1e5d4b4c3a9b2a1e0f9d8c7b6a")]
    [InlineData("3f2c9a1e-5d4b-4c3a-9b2a-1e0f9d8c7b6a ")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData("ffffffff-ffff-ffff-ffff-ffffffffffff")]
    [InlineData("3f2c9a1e-5d4b-4c3a-9b2a-1e0f9d8c7b6g")]
    public void Anything_else_is_a_bad_request_naming_its_source(string raw)
    {
        var parsed = VisitorId.Parse(raw, "X-Visitor-Id");

        Assert.Equal(400, parsed.Problem!.Status);
        Assert.StartsWith("X-Visitor-Id:", parsed.Problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void The_problem_for_an_upper_case_id_says_plainly_that_only_lower_case_is_accepted()
    {
        var detail = VisitorId.Parse("3F2C9A1E-5D4B-4C3A-9B2A-1E0F9D8C7B6A", "X-Visitor-Id").Problem!.Detail;

        Assert.Contains("lower-case only", detail, StringComparison.Ordinal);
        Assert.Contains("Upper-case hex digits are refused", detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_visitor_id_never_prints_itself()
    {
        var visitor = VisitorId.Parse("3f2c9a1e-5d4b-4c3a-9b2a-1e0f9d8c7b6a", "test").Value!;

        Assert.DoesNotContain("3f2c", visitor.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("3f2c", $"{visitor}", StringComparison.Ordinal);
    }
}

public sealed class ConnectionIdTests
{
    [Theory]
    [InlineData("ZmFrZS1jb25uZWN0aW9uLWlk")]
    [InlineData("a-b_c.d=")]
    public void Connection_ids_of_the_allowed_alphabet_are_accepted(string raw) =>
        Assert.True(ConnectionId.Parse(raw).Succeeded);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("a b")]
    [InlineData("<script>")]
    public void Others_are_a_bad_request(string? raw) =>
        Assert.Equal(400, ConnectionId.Parse(raw).Problem!.Status);

    [Fact]
    public void One_hundred_twenty_eight_characters_is_the_longest_id()
    {
        Assert.True(ConnectionId.Parse(new string('c', 128)).Succeeded);
        Assert.False(ConnectionId.Parse(new string('c', 129)).Succeeded);
    }
}
