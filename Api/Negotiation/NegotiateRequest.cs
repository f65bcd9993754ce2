using LiveCounter.Problems;
using LiveCounter.Visitors;

namespace LiveCounter.Api.Negotiation;

/// <summary>
/// <c>POST /api/negotiate?visitorId={uuid}</c>: the one rule both hosts hold negotiation to, a well-formed visitor id.
/// The negotiation itself is each host's own (ASP.NET Core SignalR in Standalone, the connection-info binding in Functions).
/// </summary>
public static class NegotiateRequest
{
    public const string VisitorIdParameter = "visitorId";

    public static readonly int[] Problems = [StatusCodes.Status400BadRequest, StatusCodes.Status405MethodNotAllowed];

    static readonly Problem Missing = Problem.BadRequest(
        $"The query parameter {VisitorIdParameter} is required: negotiate with ?{VisitorIdParameter}= and the id of the visitor. {VisitorId.Rule}");

    /// <summary>The problem with the request's <c>visitorId</c> (absent, repeated or malformed), or null when it is well-formed.</summary>
    public static Problem? ProblemWith(HttpRequest request) => ProblemWith(request, required: true);

    /// <summary>As <see cref="ProblemWith(HttpRequest)"/>, for requests that may leave the visitor out.</summary>
    public static Problem? ProblemWith(HttpRequest request, bool required)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.Query.TryGetValue(VisitorIdParameter, out var values))
        {
            return required ? Missing : null;
        }

        var parsed = VisitorId.Parse(values.Count == 1 ? values[0] : null, VisitorIdParameter);
        return parsed.Succeeded ? null : parsed.Problem;
    }
}
