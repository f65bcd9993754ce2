using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Moq;
using Xunit;

namespace LiveCounter.Functions.Tests.Support;

/// <summary>The response a function builds, kept in memory so a test can read status, headers and body.</summary>
public sealed class FakeHttpResponse(FunctionContext context) : HttpResponseData(context)
{
    public override HttpStatusCode StatusCode { get; set; }

    public override HttpHeadersCollection Headers { get; set; } = new();

    public override Stream Body { get; set; } = new MemoryStream();

    public override HttpCookies Cookies { get; } = new Mock<HttpCookies>().Object;

    public static FakeHttpResponse Of(HttpResponseData response) => Assert.IsType<FakeHttpResponse>(response);

    public string? Header(string name) => Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    public string BodyText => Encoding.UTF8.GetString(((MemoryStream)Body).ToArray());

    public JsonElement Json()
    {
        using var document = JsonDocument.Parse(((MemoryStream)Body).ToArray());
        return document.RootElement.Clone();
    }
}
