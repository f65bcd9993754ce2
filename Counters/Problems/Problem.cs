using System.Text.Json.Serialization;

namespace LiveCounter.Problems;

/// <summary>An RFC 9457 problem: the one error shape every host writes as <c>application/problem+json</c>.</summary>
public sealed record Problem(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("status")] int Status,
    [property: JsonPropertyName("detail")] string Detail)
{
    public const string ContentType = "application/problem+json";

    /// <summary>Seconds a client should wait before retrying; hosts send it as <c>Retry-After</c>.</summary>
    [JsonIgnore]
    public int? RetryAfterSeconds { get; init; }

    public static Problem BadRequest(string detail) => For(400, detail);

    public static Problem NotFound(string detail) => For(404, detail);

    public static Problem MethodNotAllowed(string detail) => For(405, detail);

    public static Problem PayloadTooLarge(int limitBytes) =>
        For(413, $"The request body must not exceed {limitBytes} bytes.");

    public static Problem UnprocessableContent(string detail) => For(422, detail);

    public static Problem TooManyRequests(string detail) => For(429, detail);

    public static Problem Unavailable(string detail) => For(503, detail) with { RetryAfterSeconds = 1 };

    public static Problem InsufficientStorage(string detail) => For(507, detail);

    public static Problem InternalError() => For(500, "An unexpected error occurred. Nothing was written.");

    /// <summary>The problem for a status a host produced itself (an unknown route, a wrong method).</summary>
    public static Problem For(int status, string detail) => new(TypeFor(status), TitleFor(status), status, detail);

    // The status code is the problem type here, so the type points at its definition in RFC 9110.
    static string TypeFor(int status) => status switch
    {
        400 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.1",
        404 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.5",
        405 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.6",
        408 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.9",
        413 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.14",
        415 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.16",
        422 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.21",
        429 => "https://www.rfc-editor.org/rfc/rfc6585#section-4",
        431 => "https://www.rfc-editor.org/rfc/rfc6585#section-5",
        500 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.6.1",
        503 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.6.4",
        507 => "https://www.rfc-editor.org/rfc/rfc4918#section-11.5",
        _ => "about:blank",
    };

    static string TitleFor(int status) => status switch
    {
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        507 => "Insufficient Storage",
        _ => status is >= 400 and < 500 ? "Client Error" : "Server Error",
    };
}
