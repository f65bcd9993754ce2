using LiveCounter.Problems;

namespace LiveCounter.Tests.Values;

/// <summary>Every problem names its status's definition and title, so a client can tell them apart without our texts.</summary>
public sealed class ProblemTests
{
    [Theory]
    [InlineData(400, "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.1", "Bad Request")]
    [InlineData(404, "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.5", "Not Found")]
    [InlineData(405, "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.6", "Method Not Allowed")]
    [InlineData(408, "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.9", "Request Timeout")]
    [InlineData(413, "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.14", "Content Too Large")]
    [InlineData(415, "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.16", "Unsupported Media Type")]
    [InlineData(422, "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.21", "Unprocessable Content")]
    [InlineData(429, "https://www.rfc-editor.org/rfc/rfc6585#section-4", "Too Many Requests")]
    [InlineData(431, "https://www.rfc-editor.org/rfc/rfc6585#section-5", "Request Header Fields Too Large")]
    [InlineData(500, "https://www.rfc-editor.org/rfc/rfc9110#section-15.6.1", "Internal Server Error")]
    [InlineData(503, "https://www.rfc-editor.org/rfc/rfc9110#section-15.6.4", "Service Unavailable")]
    [InlineData(507, "https://www.rfc-editor.org/rfc/rfc4918#section-11.5", "Insufficient Storage")]
    public void A_status_we_answer_points_at_its_definition_and_carries_its_title(int status, string type, string title)
    {
        var problem = Problem.For(status, "why");

        Assert.Equal(new Problem(type, title, status, "why"), problem);
    }

    [Theory]
    [InlineData(451, "Client Error")]
    [InlineData(418, "Client Error")]
    [InlineData(499, "Client Error")]
    [InlineData(501, "Server Error")]
    [InlineData(399, "Server Error")]
    public void Any_other_status_is_about_blank_with_its_class_as_title(int status, string title)
    {
        var problem = Problem.For(status, "why");

        Assert.Equal(("about:blank", title), (problem.Type, problem.Title));
    }

    [Fact]
    public void Each_named_problem_has_its_status_and_only_a_503_asks_for_a_retry()
    {
        Problem[] problems =
        [
            Problem.BadRequest("a"), Problem.NotFound("b"), Problem.MethodNotAllowed("c"), Problem.PayloadTooLarge(1024),
            Problem.UnprocessableContent("d"), Problem.TooManyRequests("e"), Problem.Unavailable("f"),
            Problem.InsufficientStorage("g"), Problem.InternalError(),
        ];

        Assert.Equal([400, 404, 405, 413, 422, 429, 503, 507, 500], problems.Select(p => p.Status));
        Assert.Equal([null, null, null, null, null, null, 1, null, null], problems.Select(p => p.RetryAfterSeconds));
        Assert.Equal("The request body must not exceed 1024 bytes.", Problem.PayloadTooLarge(1024).Detail);
        Assert.Equal("An unexpected error occurred. Nothing was written.", Problem.InternalError().Detail);
    }
}
