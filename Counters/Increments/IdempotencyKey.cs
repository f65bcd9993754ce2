using LiveCounter.Problems;

namespace LiveCounter.Increments;

/// <summary>A client-chosen key that makes an increment safe to retry: 1–64 characters of A–Z a–z 0–9 - _.</summary>
public sealed record IdempotencyKey
{
    public const int MaxLength = 64;

    public const string Rule = "Idempotency-Key must be 1 to 64 characters from A-Z, a-z, 0-9, hyphen and underscore.";

    IdempotencyKey(string value) => Value = value;

    public string Value { get; }

    public static Outcome<IdempotencyKey> Parse(string? raw) =>
        IsValid(raw) ? new IdempotencyKey(raw) : Problem.BadRequest(Rule);

    static bool IsValid([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? raw)
    {
        if (raw is null || raw.Length is 0 or > MaxLength)
        {
            return false;
        }

        foreach (var c in raw)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_')
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString() => Value;
}
