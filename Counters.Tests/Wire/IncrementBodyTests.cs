using System.Text;
using LiveCounter.Wire;

namespace LiveCounter.Tests.Wire;

public sealed class IncrementBodyTests
{
    [Theory]
    [InlineData("", 1)]
    [InlineData("  \r\n", 1)]
    [InlineData("{}", 1)]
    [InlineData("{\"by\":5}", 5)]
    [InlineData("{ \"by\" : 1000 }", 1000)]
    [InlineData("{\"by\":1}", 1)]
    public void Valid_bodies_give_their_amount(string body, int expected)
    {
        var parsed = IncrementBody.Parse(Encoding.UTF8.GetBytes(body));

        Assert.True(parsed.Succeeded);
        Assert.Equal(expected, parsed.Value.Value);
    }

    [Theory]
    [InlineData("{\"by\":0}")]
    [InlineData("{\"by\":-3}")]
    [InlineData("{\"by\":1001}")]
    [InlineData("{\"by\":1.5}")]
    [InlineData("{\"by\":1.0}")]
    [InlineData("{\"by\":1e2}")]
    [InlineData("{\"by\":\"5\"}")]
    [InlineData("{\"by\":null}")]
    [InlineData("{\"by\":true}")]
    [InlineData("{\"by\":[1]}")]
    [InlineData("{\"by\":{\"n\":1}}")]
    [InlineData("{\"by\":99999999999999999999999}")]
    [InlineData("{\"by\":1,\"by\":2}")]
    [InlineData("{\"By\":5}")]
    [InlineData("{\"amount\":5}")]
    [InlineData("[1]")]
    [InlineData("5")]
    [InlineData("null")]
    [InlineData("\"by\"")]
    [InlineData("{\"by\":5")]
    [InlineData("{\"by\":5}{}")]
    [InlineData("{\"by\":5} x")]
    [InlineData("{'by':5}")]
    [InlineData("{\"by\":5,}")]
    [InlineData("{/*c*/\"by\":5}")]
    [InlineData("by=5")]
    public void Every_malformed_body_is_a_bad_request(string body)
    {
        var parsed = IncrementBody.Parse(Encoding.UTF8.GetBytes(body));

        Assert.False(parsed.Succeeded);
        Assert.Equal(400, parsed.Problem.Status);
        Assert.False(string.IsNullOrWhiteSpace(parsed.Problem.Detail));
    }

    [Theory]
    [InlineData("", 1)]
    [InlineData("{\"by\":7}", 7)]
    [InlineData(" {\"by\":7} ", 7)]
    public void A_utf8_byte_order_mark_before_the_body_is_ignored(string body, int expected)
    {
        byte[] withMark = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(body)];

        Assert.Equal(expected, IncrementBody.Parse(withMark).Value!.Value);
    }

    [Fact]
    public void A_byte_order_mark_anywhere_but_first_is_still_malformed()
    {
        byte[] body = [.. "{\"by\":7}"u8, 0xEF, 0xBB, 0xBF];

        Assert.Equal(400, IncrementBody.Parse(body).Problem!.Status);
    }

    [Fact]
    public void Invalid_utf8_is_a_bad_request()
    {
        byte[] body = [.. "{\""u8, 0xC3, 0x28, .. "\":5}"u8];

        Assert.Equal(400, IncrementBody.Parse(body).Problem!.Status);
    }

    [Fact]
    public void Invalid_utf8_inside_the_member_value_is_a_bad_request()
    {
        byte[] body = [.. "{\"by\":\""u8, 0xFF, 0xFE, .. "\"}"u8];

        Assert.Equal(400, IncrementBody.Parse(body).Problem!.Status);
    }
}

public sealed class SubscriptionBodyTests
{
    [Fact]
    public void A_connection_id_member_is_read()
    {
        var parsed = SubscriptionBody.Parse("{\"connectionId\":\"abc-DEF_1\"}"u8);

        Assert.Equal("abc-DEF_1", parsed.Value!.Value);
    }

    [Fact]
    public void A_utf8_byte_order_mark_before_the_body_is_ignored()
    {
        byte[] body = [0xEF, 0xBB, 0xBF, .. "{\"connectionId\":\"abc\"}"u8];

        Assert.Equal("abc", SubscriptionBody.Parse(body).Value!.Value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("{\"connectionId\":5}")]
    [InlineData("{\"connectionId\":null}")]
    [InlineData("{\"connectionId\":\"\"}")]
    [InlineData("{\"connectionId\":\"a/b\"}")]
    [InlineData("{\"connectionId\":\"a\",\"x\":1}")]
    [InlineData("{\"connectionId\":\"a\",\"connectionId\":\"b\"}")]
    [InlineData("[\"a\"]")]
    [InlineData("{\"connectionId\":\"a\"")]
    public void Anything_else_is_a_bad_request(string body) =>
        Assert.Equal(400, SubscriptionBody.Parse(Encoding.UTF8.GetBytes(body)).Problem!.Status);
}
