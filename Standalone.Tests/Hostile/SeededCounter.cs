namespace LiveCounter.Standalone.Tests.Hostile;

/// <summary>
/// A counter that has a non-zero state (value, version, update time and a visitor total) before a hostile request,
/// so that a rejected request which wrongly wrote anything shows up as a changed read.
/// </summary>
public sealed class SeededCounter
{
    public const string Visitor = "6b1d2c3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e";

    readonly HttpClient _http;

    SeededCounter(HttpClient http, CounterView before)
    {
        _http = http;
        Before = before;
    }

    public string Name => Before.Name;

    public CounterView Before { get; }

    /// <summary>Increments <paramref name="name"/> by 7 as <see cref="Visitor"/> (whatever it held before) and reads it.</summary>
    public static async Task<SeededCounter> SeedAsync(HttpClient http, string name)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await http.IncrementOkAsync(name, by: 7, key: Guid.NewGuid().ToString("N"), visitorId: Visitor, cancellationToken: cancellationToken);
        var before = await http.GetCounterAsync(name, cancellationToken);
        Assert.NotEqual(0, before.Version);
        return new SeededCounter(http, before);
    }

    /// <summary>Reads the counter again: the same value, version and update time as before the hostile requests.</summary>
    public async Task AssertUnchangedAsync() =>
        Assert.Equal(Before, await _http.GetCounterAsync(Name, TestContext.Current.CancellationToken));
}
