using System.Collections.Specialized;
using System.Security.Claims;
using System.Text;
using System.Web;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Moq;

namespace LiveCounter.Functions.Tests.Support;

/// <summary>An HTTP request as the worker hands it to a function: a double of our use of the abstract type.</summary>
public sealed class FakeHttpRequest : HttpRequestData
{
    FakeHttpRequest(string method, string pathAndQuery, byte[] body)
        : base(new Mock<FunctionContext>().Object)
    {
        Method = method;
        Url = new Uri(new Uri("http://localhost:7071"), pathAndQuery);
        Body = new MemoryStream(body);
    }

    public override Stream Body { get; }

    public override HttpHeadersCollection Headers { get; } = new();

    public override IReadOnlyCollection<IHttpCookie> Cookies { get; } = [];

    public override Uri Url { get; }

    public override IEnumerable<ClaimsIdentity> Identities { get; } = [];

    public override string Method { get; }

    public override NameValueCollection Query => HttpUtility.ParseQueryString(Url.Query);

    public static FakeHttpRequest Get(string pathAndQuery) => new("GET", pathAndQuery, []);

    public static FakeHttpRequest Delete(string pathAndQuery) => new("DELETE", pathAndQuery, []);

    public static FakeHttpRequest Post(string pathAndQuery, string body = "") => new("POST", pathAndQuery, Encoding.UTF8.GetBytes(body));

    public static FakeHttpRequest Post(string pathAndQuery, byte[] body) => new("POST", pathAndQuery, body);

    public FakeHttpRequest WithHeader(string name, string value)
    {
        _ = Headers.TryAddWithoutValidation(name, value);
        return this;
    }

    public override HttpResponseData CreateResponse() => new FakeHttpResponse(FunctionContext);
}
