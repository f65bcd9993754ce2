using System.Text;
using LiveCounter.Increments;
using LiveCounter.Visitors;
using static LiveCounter.Tests.Support.Requests;

namespace LiveCounter.Tests.Increments;

/// <summary>An increment's raw inputs are parsed once, in the order of the route: the first one wrong is the one answered.</summary>
public sealed class IncrementRequestTests
{
    const string Key = "k-1";
    const string AliceId = "3f2c9a1e-5d4b-4c3a-9b2a-1e0f9d8c7b6a";

    static Problems.ProblemOr<IncrementRequest> Parse(string? name = "hits", string body = "", string? key = null, string? visitor = null) =>
        IncrementRequest.Parse(name, Encoding.UTF8.GetBytes(body), key, visitor);

    [Fact]
    public void A_request_with_every_input_carries_them_all() =>
        Assert.Equal(new IncrementRequest(Hits, Amount.From(5).Value!, IdempotencyKey.Parse(Key).Value, Alice), Parse(body: "{\"by\":5}", key: Key, visitor: AliceId).Value);

    [Fact]
    public void Both_headers_are_optional() =>
        Assert.Equal(new IncrementRequest(Hits, Amount.One, null, null), Parse().Value);

    [Fact]
    public void A_bad_name_is_answered_before_anything_else() =>
        Assert.Equal(CounterName.Rule, Parse(name: "Bad Name", body: "{", key: "bad key", visitor: "bad").Problem!.Detail);

    [Fact]
    public void A_bad_body_is_answered_before_the_headers() =>
        Assert.Equal(Amount.Rule, Parse(body: "{\"by\":0}", key: "bad key", visitor: "bad").Problem!.Detail);

    [Fact]
    public void A_bad_idempotency_key_is_answered_before_the_visitor() =>
        Assert.Equal(IdempotencyKey.Rule, Parse(key: "bad key", visitor: "bad").Problem!.Detail);

    [Fact]
    public void A_bad_visitor_id_is_answered_naming_its_header() =>
        Assert.Equal($"{IncrementRequest.VisitorIdHeader}: {VisitorId.Rule}", Parse(key: Key, visitor: "bad").Problem!.Detail);
}
