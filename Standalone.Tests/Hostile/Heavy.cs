namespace LiveCounter.Standalone.Tests.Hostile;

/// <summary>The tests that load the server on purpose run alone, so that no other test's load blurs their bounds.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class Heavy
{
    public const string Name = "Heavy hostile load";
}
