using System.Buffers;
using LiveCounter.Problems;

namespace LiveCounter;

/// <summary>A counter's name: 1–63 characters of a–z, 0–9 and '-', starting with a letter or digit; always lower-case.</summary>
/// <remarks>
/// The rule keeps names safe as Table Storage partition keys, SignalR group names and URL segments alike,
/// and the ASCII-only check rejects Unicode look-alikes before lower-casing could fold them.
/// </remarks>
public sealed record CounterName
{
    public const int MaxLength = 63;

    // Upper case is accepted because names compare case-insensitively; Parse lowers it.
    static readonly SearchValues<char> Alphabet = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-");

    public const string Rule = "A counter name is 1 to 63 characters from a-z, 0-9 and hyphen, starting with a letter or digit.";

    CounterName(string value) => Value = value;

    public string Value { get; }

    public static ProblemOr<CounterName> Parse(string? raw) =>
        IsValid(raw) ? new CounterName(raw.ToLowerInvariant()) : Problem.BadRequest(Rule);

    static bool IsValid([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? raw) =>
        !string.IsNullOrEmpty(raw)
        && raw.Length <= MaxLength
        && char.IsAsciiLetterOrDigit(raw[0])
        && !raw.AsSpan().ContainsAnyExcept(Alphabet);

    public override string ToString() => Value;
}
