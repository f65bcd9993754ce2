namespace LiveCounter.Tests.Values;

public sealed class CounterNameTests
{
    [Theory]
    [InlineData("a", "a")]
    [InlineData("default", "default")]
    [InlineData("my-counter-1", "my-counter-1")]
    [InlineData("0day", "0day")]
    [InlineData("ABC", "abc")]
    [InlineData("Mixed-Case-9", "mixed-case-9")]
    [InlineData("a-", "a-")]
    public void Valid_names_are_accepted_and_lower_cased(string raw, string expected)
    {
        var parsed = CounterName.Parse(raw);

        Assert.True(parsed.Succeeded);
        Assert.Equal(expected, parsed.Value.Value);
    }

    [Fact]
    public void Sixty_three_characters_is_the_longest_name()
    {
        Assert.True(CounterName.Parse(new string('a', 63)).Succeeded);
        Assert.False(CounterName.Parse(new string('a', 64)).Succeeded);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("-a")]
    [InlineData("a_b")]
    [InlineData("a b")]
    [InlineData(" a")]
    [InlineData("a/b")]
    [InlineData("a%2Fb")]
    [InlineData("a.b")]
    [InlineData("é")]
    [InlineData("\u0430")] // Cyrillic а, a look-alike of Latin a
    [InlineData("\u212A")] // Kelvin sign, which lower-cases to Latin k
    [InlineData("a\u0000")]
    [InlineData("ａ")] // full-width a
    public void Invalid_names_are_a_bad_request(string? raw)
    {
        var parsed = CounterName.Parse(raw);

        Assert.False(parsed.Succeeded);
        Assert.Equal(400, parsed.Problem.Status);
        Assert.Equal(CounterName.Rule, parsed.Problem.Detail);
    }

    [Fact]
    public void Names_differing_only_in_case_are_the_same_counter()
    {
        Assert.Equal(CounterName.Parse("Hits").Value, CounterName.Parse("hits").Value);
    }
}
