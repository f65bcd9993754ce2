using System.Text;
using LiveCounter.Increments;
using LiveCounter.Realtime;
using LiveCounter.Wire;

namespace LiveCounter.Tests.Wire;

/// <summary>Every way a body can be wrong gets its own answer, each saying what the body must look like.</summary>
public sealed class BodyProblemTests
{
    const string IncrementShape = "The body must be empty or a JSON object with one member, by, a whole number from 1 to 1000.";
    const string SubscriptionShape = "The body must be a JSON object with one member, connectionId, a string.";

    static string IncrementProblem(string body) => IncrementBody.Parse(Encoding.UTF8.GetBytes(body)).Problem!.Detail;

    static string SubscriptionProblem(string body) => SubscriptionBody.Parse(Encoding.UTF8.GetBytes(body)).Problem!.Detail;

    [Theory]
    [InlineData("[1]")]
    [InlineData("5")]
    [InlineData("null")]
    public void A_body_that_is_not_an_object_is_told_the_shape(string body) =>
        Assert.Equal(IncrementShape, IncrementProblem(body));

    [Theory]
    [InlineData("{\"by\":5")]
    [InlineData("{\"by\":5}{}")]
    [InlineData("{\"by\":5} x")]
    [InlineData("{'by':5}")]
    [InlineData("{/*c*/\"by\":5}")]
    public void A_body_that_is_not_json_is_told_so(string body) =>
        Assert.Equal($"The body is not valid JSON. {IncrementShape}", IncrementProblem(body));

    [Fact]
    public void An_unknown_member_is_named_as_not_allowed() =>
        Assert.Equal($"The only member allowed is by. {IncrementShape}", IncrementProblem("{\"amount\":5}"));

    [Fact]
    public void A_repeated_member_is_named_as_repeated() =>
        Assert.Equal($"by appears more than once. {IncrementShape}", IncrementProblem("{\"by\":1,\"by\":1}"));

    [Theory]
    [InlineData("{\"by\":\"5\"}")]
    [InlineData("{\"by\":1.5}")]
    [InlineData("{\"by\":0}")]
    [InlineData("{\"by\":[1]}")]
    public void A_by_of_the_wrong_kind_or_size_is_told_the_rule_for_amounts(string body) =>
        Assert.Equal(Amount.Rule, IncrementProblem(body));

    [Fact]
    public void An_empty_subscription_body_is_not_json() =>
        Assert.Equal($"The body is not valid JSON. {SubscriptionShape}", SubscriptionProblem(""));

    [Fact]
    public void A_subscription_without_its_connection_id_is_told_it_is_required() =>
        Assert.Equal($"connectionId is required. {SubscriptionShape}", SubscriptionProblem("{}"));

    [Theory]
    [InlineData("{\"connectionId\":5}")]
    [InlineData("{\"connectionId\":null}")]
    [InlineData("{\"connectionId\":\"a/b\"}")]
    public void A_connection_id_that_is_not_a_valid_string_is_told_the_rule_for_connection_ids(string body) =>
        Assert.Equal(ConnectionId.Rule, SubscriptionProblem(body));
}
