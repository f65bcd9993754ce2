using System.Diagnostics.CodeAnalysis;
using LiveCounter.Problems;

namespace LiveCounter.Visitors;

/// <summary>An anonymous visitor: an RFC 9562 UUID in its canonical lower-case form.</summary>
/// <remarks>
/// It routes personal messages and authorises nothing, but whoever holds it receives that visitor's messages,
/// so it is a bearer secret: it never appears in a broadcast or a log line, and <see cref="ToString"/> hides it.
/// Only the canonical form is accepted because the Functions negotiate binding uses the raw query value as the
/// SignalR user id: any other spelling of the same UUID would silently miss its own messages.
/// </remarks>
public sealed record VisitorId
{
    public const string Rule =
        "A visitor id is a UUID written in lower-case only, in canonical 8-4-4-4-12 form such as 3f2c9a1e-5d4b-4c3a-9b2a-1e0f9d8c7b6a. "
        + "Upper-case hex digits are refused, and so are the nil and max UUIDs.";

    VisitorId(string value) => Value = value;

    public string Value { get; }

    public static ProblemOr<VisitorId> Parse(string? raw, string source) =>
        IsCanonical(raw) ? new VisitorId(raw) : Problem.BadRequest($"{source}: {Rule}");

    static bool IsCanonical([NotNullWhen(true)] string? raw)
    {
        if (raw is not { Length: 36 } || !Guid.TryParseExact(raw, "D", out var guid))
        {
            return false;
        }

        return guid != Guid.Empty && guid != Guid.AllBitsSet && string.Equals(raw, guid.ToString("D"), StringComparison.Ordinal);
    }

    public override string ToString() => "(visitor)";
}
