using System.Diagnostics.CodeAnalysis;

namespace LiveCounter.Problems;

/// <summary>Either a value or the problem that prevented it; parsing and use cases return this, never throw.</summary>
public sealed class ProblemOr<T>
    where T : notnull
{
    ProblemOr(T? value, Problem? problem)
    {
        Value = value;
        Problem = problem;
    }

    public T? Value { get; }

    public Problem? Problem { get; }

    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Problem))]
    public bool Succeeded => Problem is null;

    public static implicit operator ProblemOr<T>(T value) => new(value ?? throw new ArgumentNullException(nameof(value)), null);

    public static implicit operator ProblemOr<T>(Problem problem) => new(default, problem ?? throw new ArgumentNullException(nameof(problem)));
}
