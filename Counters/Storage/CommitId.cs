using System.Security.Cryptography;

namespace LiveCounter.Storage;

/// <summary>A random name for one commit, stored with it; 64 random bits make a collision between two commits of one counter negligible.</summary>
public readonly record struct CommitId(string Value)
{
    public static CommitId New() => new(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));

    public override string ToString() => Value;
}
