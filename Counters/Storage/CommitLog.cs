using System.Globalization;

namespace LiveCounter.Storage;

/// <summary>
/// The last commits of one lane, kept in the lane itself: for each, the lane version it started from and its id,
/// oldest first, at most <see cref="Capacity"/>. Written in the same transaction as the commit, it tells a writer
/// whose answer was lost whether its commit was applied.
/// </summary>
/// <remarks>
/// Every commit replaces its lane on condition of the lane's token, so exactly one commit ever starts from a given
/// version of a lane: the entry for a version names that commit. A writer that finds its own id there was applied;
/// one that finds another's was not, and never can be. Only a writer that reads back after more than
/// <see cref="Capacity"/> later commits finds no entry, and then falls back to its records.
/// </remarks>
public sealed class CommitLog
{
    public const int Capacity = 32;

    public static readonly CommitLog Empty = new([]);

    readonly (CounterVersion Base, CommitId Id)[] _entries;

    CommitLog((CounterVersion Base, CommitId Id)[] entries) => _entries = entries;

    /// <summary>The log after <paramref name="id"/> committed on top of lane version <paramref name="baseVersion"/>.</summary>
    public CommitLog After(CounterVersion baseVersion, CommitId id) =>
        new([.. _entries.Append((baseVersion, id)).TakeLast(Capacity)]);

    /// <summary>The id of the commit that started from <paramref name="baseVersion"/>, if the log still reaches back that far.</summary>
    public CommitId? CommitFrom(CounterVersion baseVersion)
    {
        foreach (var (start, id) in _entries)
        {
            if (start == baseVersion)
            {
                return id;
            }
        }

        return null;
    }

    /// <summary>The stored form: <c>base:id</c> entries separated by spaces.</summary>
    public override string ToString() =>
        string.Join(' ', _entries.Select(entry => string.Create(CultureInfo.InvariantCulture, $"{entry.Base.Value}:{entry.Id.Value}")));

    /// <exception cref="FormatException">An entry is not <c>base:id</c>.</exception>
    public static CommitLog Parse(string? stored)
    {
        if (string.IsNullOrEmpty(stored))
        {
            return Empty;
        }

        var entries = stored.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(entry =>
        {
            var colon = entry.IndexOf(':', StringComparison.Ordinal);
            return colon > 0 && long.TryParse(entry.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var start)
                ? (new CounterVersion(start), new CommitId(entry[(colon + 1)..]))
                : throw new FormatException("A lane's commit log holds an entry that is not base:id.");
        });
        return new([.. entries.TakeLast(Capacity)]);
    }
}
