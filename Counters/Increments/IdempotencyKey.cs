using System.Buffers;
using LiveCounter.Problems;

namespace LiveCounter.Increments;

/// <summary>A client-chosen key that makes an increment safe to retry: 1–64 characters of A–Z a–z 0–9 - _.</summary>
public sealed record IdempotencyKey
{
    public const int MaxLength = 64;

    static readonly SearchValues<char> Alphabet = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_");

    public const string Rule = "Idempotency-Key must be 1 to 64 characters from A-Z, a-z, 0-9, hyphen and underscore.";

    IdempotencyKey(string value) => Value = value;

    public string Value { get; }

    public static ProblemOr<IdempotencyKey> Parse(string? raw) =>
        IsValid(raw) ? new IdempotencyKey(raw) : Problem.BadRequest(Rule);

    static bool IsValid([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? raw) =>
        raw is { Length: > 0 and <= MaxLength } && !raw.AsSpan().ContainsAnyExcept(Alphabet);

    public override string ToString() => Value;
}
