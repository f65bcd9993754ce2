namespace LiveCounter.Storage;

/// <summary>A visitor's running total on one counter as the store holds it.</summary>
/// <param name="Token">Opaque to Counters; null while the visitor never incremented the counter. A commit that sets the
/// total does so only while the row still has this token, so two processes can never both add to one visitor's total.</param>
public sealed record VisitorTotal(long Total, string? Token)
{
    public static readonly VisitorTotal None = new(0, null);
}
