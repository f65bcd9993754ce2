using System.Globalization;
using LiveCounter.Storage;

namespace LiveCounter.Tables;

/// <summary>
/// The last commits of a counter, kept in its <c>state</c> row (<c>Commits</c>): for each, the version it started from
/// and its id, oldest first, at most <see cref="Capacity"/>. Written in the same transaction as the commit itself, it
/// tells a writer whose answer was lost whether its commit was applied.
/// </summary>
/// <remarks>
/// Every commit replaces <c>state</c> on condition of its ETag, so exactly one commit ever starts from a given version:
/// the entry for a version names that commit. A writer that finds its own id there was applied; one that finds
/// another's was not, and never can be. Only a writer that reads back after more than <see cref="Capacity"/> later
/// commits finds no entry, and then falls back to its records (see <see cref="TableCounterStore"/>).
/// </remarks>
internal static class CommitLog
{
    public const int Capacity = 32;

    /// <summary>The log after <paramref name="id"/> committed on top of <paramref name="baseVersion"/>.</summary>
    public static string Append(string? log, long baseVersion, CommitId id)
    {
        var entries = Entries(log).ToList();
        entries.Add(Entry(baseVersion, id.Value));
        return string.Join(' ', entries.TakeLast(Capacity));
    }

    /// <summary>The id of the commit that started from <paramref name="baseVersion"/>, if the log still reaches back that far.</summary>
    public static string? CommitFrom(string? log, long baseVersion)
    {
        var prefix = baseVersion.ToString(CultureInfo.InvariantCulture) + ":";
        return Entries(log).FirstOrDefault(entry => entry.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..];
    }

    static string Entry(long baseVersion, string id) => string.Create(CultureInfo.InvariantCulture, $"{baseVersion}:{id}");

    static string[] Entries(string? log) => log?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
}
