using System.Net;
using LiveCounter.Problems;
using Xunit;

namespace LiveCounter.Functions.Tests.Support;

/// <summary>Asserts the one error shape of the API: RFC 9457 <c>application/problem+json</c>.</summary>
public static class ProblemAssert
{
    public static void IsProblem(FakeHttpResponse response, HttpStatusCode status)
    {
        ArgumentNullException.ThrowIfNull(response);
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(Problem.ContentType, response.Header("Content-Type"));
        var body = response.Json();
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("type").GetString()));
        Assert.False(string.IsNullOrEmpty(body.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(body.GetProperty("detail").GetString()));
        if (status == HttpStatusCode.ServiceUnavailable)
        {
            Assert.Equal("1", response.Header("Retry-After"));
        }
        else
        {
            Assert.Null(response.Header("Retry-After"));
        }
    }

    public static string Detail(FakeHttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.Json().GetProperty("detail").GetString() ?? string.Empty;
    }
}
