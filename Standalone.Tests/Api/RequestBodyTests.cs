using LiveCounter.Api.Http;
using Moq;

namespace LiveCounter.Standalone.Tests.Api;

public sealed class RequestBodyTests
{
    [Fact]
    public async Task A_body_of_exactly_the_limit_is_read_whole()
    {
        var bytes = new byte[RequestBody.MaxBytes];

        var read = await RequestBody.ReadAsync(new MemoryStream(bytes), declaredLength: null, TestContext.Current.CancellationToken);

        Assert.Equal(RequestBody.MaxBytes, read.Value!.Length);
    }

    [Fact]
    public async Task One_byte_more_is_content_too_large_even_without_a_declared_length()
    {
        var bytes = new byte[RequestBody.MaxBytes + 1];

        var read = await RequestBody.ReadAsync(new MemoryStream(bytes), declaredLength: null, TestContext.Current.CancellationToken);

        Assert.Equal(413, read.Problem!.Status);
    }

    [Fact]
    public async Task A_declared_length_over_the_limit_is_refused_before_reading()
    {
        var unreadable = new Mock<Stream>(MockBehavior.Strict);

        var read = await RequestBody.ReadAsync(unreadable.Object, declaredLength: 5000, TestContext.Current.CancellationToken);

        Assert.Equal(413, read.Problem!.Status);
    }
}
