using System.Globalization;
using LiveCounter.Problems;

namespace LiveCounter.Increments;

/// <summary>How much one increment adds: a whole number from 1 to 1000.</summary>
public sealed record Amount
{
    public const int Min = 1;
    public const int Max = 1000;

    public static readonly Amount One = new(1);

    public static readonly string Rule = string.Create(
        CultureInfo.InvariantCulture, $"by must be a whole number from {Min} to {Max}.");

    Amount(int value) => Value = value;

    public int Value { get; }

    public static ProblemOr<Amount> From(long value) =>
        value is >= Min and <= Max ? new Amount((int)value) : Problem.BadRequest(Rule);

    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}
