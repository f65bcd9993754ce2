using System.Text.Json;
using LiveCounter.Functions.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;

namespace LiveCounter.Functions.Tests.Hosting;

public sealed class UnexpectedFailuresTests
{
    readonly DefaultHttpContext _http = new() { Response = { Body = new MemoryStream() } };

    FunctionContext Context()
    {
        var definition = Mock.Of<FunctionDefinition>(d => d.Name == "IncrementCounter");
        // Where the ASP.NET Core integration keeps the request's HttpContext (FunctionContextExtensions.GetHttpContext).
        var items = new Dictionary<object, object> { ["HttpRequestContext"] = _http };
        return Mock.Of<FunctionContext>(c => c.FunctionDefinition == definition && c.Items == items);
    }

    [Fact]
    public async Task A_function_that_throws_answers_a_500_problem_that_reveals_nothing()
    {
        await new UnexpectedFailures(NullLogger<UnexpectedFailures>.Instance).Invoke(Context(), _ => throw new InvalidOperationException("secret internals"));

        _http.Response.Body.Position = 0;
        var body = await new StreamReader(_http.Response.Body).ReadToEndAsync(TestContext.Current.CancellationToken);
        Assert.Equal(500, _http.Response.StatusCode);
        Assert.Equal("application/problem+json", _http.Response.ContentType);
        Assert.Equal(500, JsonDocument.Parse(body).RootElement.GetProperty("status").GetInt32());
        Assert.DoesNotContain("secret", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_function_that_succeeds_is_left_alone()
    {
        var ran = false;

        await new UnexpectedFailures(NullLogger<UnexpectedFailures>.Instance).Invoke(Context(), _ =>
        {
            ran = true;
            return Task.CompletedTask;
        });

        Assert.True(ran);
        Assert.Equal(0, _http.Response.Body.Length);
    }
}
