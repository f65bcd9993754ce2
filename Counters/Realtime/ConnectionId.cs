using System.Buffers;
using LiveCounter.Problems;

namespace LiveCounter.Realtime;

/// <summary>A SignalR connection id as a client reports it: 1–128 characters of A–Z a–z 0–9 - _ . =</summary>
/// <remarks>Broad enough for ASP.NET Core's and Azure SignalR Service's ids, narrow enough to be safe in a URL and a log.</remarks>
public sealed record ConnectionId
{
    public const int MaxLength = 128;

    static readonly SearchValues<char> Alphabet = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.=");

    public const string Rule = "A connection id is 1 to 128 characters from A-Z, a-z, 0-9, hyphen, underscore, dot and equals sign.";

    ConnectionId(string value) => Value = value;

    public string Value { get; }

    public static ProblemOr<ConnectionId> Parse(string? raw) =>
        IsValid(raw) ? new ConnectionId(raw) : Problem.BadRequest(Rule);

    static bool IsValid([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? raw) =>
        raw is { Length: > 0 and <= MaxLength } && !raw.AsSpan().ContainsAnyExcept(Alphabet);

    public override string ToString() => Value;
}
