namespace LiveCounter.Api.Routing;

/// <summary>One route of the API: its template below <c>/api</c> and the methods it takes.</summary>
public sealed class ApiRoute(string template, IReadOnlyList<string> methods)
{
    readonly string[] _segments = template.Split('/');

    public string Template { get; } = template;

    public IReadOnlyList<string> Methods { get; } = methods;

    /// <summary>
    /// Whether the path's segments fit the template: literals compared case-insensitively, as both hosts' routing
    /// does, and a <c>{parameter}</c> taking any one non-empty segment, as an ASP.NET Core route parameter does.
    /// </summary>
    public bool Matches(IReadOnlyList<string> segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        if (segments.Count != _segments.Length)
        {
            return false;
        }

        for (var i = 0; i < _segments.Length; i++)
        {
            var fits = IsParameter(_segments[i])
                ? segments[i].Length > 0
                : string.Equals(_segments[i], segments[i], StringComparison.OrdinalIgnoreCase);
            if (!fits)
            {
                return false;
            }
        }

        return true;
    }

    static bool IsParameter(string segment) => segment.StartsWith('{') && segment.EndsWith('}');
}
