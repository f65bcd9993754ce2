using System.Diagnostics;
using LiveCounter.Increments;
using LiveCounter.Metrics;
using LiveCounter.Storage;
using LiveCounter.Tests.Support;
using LiveCounter.Visitors;
using static LiveCounter.Tests.Support.Requests;

namespace LiveCounter.Tests.GroupCommit;

/// <summary>
/// A commit holds the increments of many requests, so its store calls belong to none of them: they must not carry the
/// trace of whichever request happened to start the drain (an <c>Activity</c>, and with it a <c>traceparent</c> header
/// on every store request the Azure SDK sends).
/// </summary>
public sealed class AmbientContextTests : IDisposable
{
    const string RequestsSource = "LiveCounter.Tests.Requests";

    static readonly ActivitySource Requests = new(RequestsSource);

    readonly ActivityListener _listener = new()
    {
        ShouldListenTo = source => source.Name == RequestsSource,
        Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
    };

    readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    public AmbientContextTests() => ActivitySource.AddActivityListener(_listener);

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task The_store_calls_of_a_commit_carry_no_request_s_activity_and_the_requests_keep_their_own()
    {
        var gated = new GatedStore(new InMemoryCounterStore());
        var store = new ActivityRecordingStore(gated);
        var useCase = new IncrementCounter(store, new InstantTimeProvider(), CounterMetrics.Unregistered(), IncrementOptions.Default, new Random(1));
        gated.Hold();
        var arrived = gated.Arrived(1);

        Task<Problems.ProblemOr<IncrementReply>> first, second;
        using (var request = Requests.StartActivity("first request"))
        {
            Assert.NotNull(request);
            first = useCase.ExecuteAsync(Increment(visitor: Alice), _ct);
            Assert.Same(request, Activity.Current);
        }

        await arrived;
        using (Requests.StartActivity("second request"))
        {
            second = useCase.ExecuteAsync(Increment(visitor: Bob), _ct);
        }

        gated.Open();
        Assert.True((await first).Succeeded);
        Assert.True((await second).Succeeded);
        Assert.True(store.Calls.Count >= 4, string.Join(", ", store.Calls));
        Assert.All(store.Calls, call => Assert.Null(call.Activity));
    }

    /// <summary>Remembers, for each call, the <see cref="Activity.Current"/> it was made under.</summary>
    sealed class ActivityRecordingStore(ICounterStore inner) : ICounterStore
    {
        public List<(string Call, string? Activity)> Calls { get; } = [];

        public ValueTask<CounterLanes> ReadAsync(CounterName name, CancellationToken cancellationToken)
        {
            Record(nameof(ReadAsync));
            return inner.ReadAsync(name, cancellationToken);
        }

        public ValueTask<IReadOnlyDictionary<VisitorId, VisitorTotal>> ReadTotalsAsync(CounterName name, IReadOnlyCollection<VisitorId> visitors, CancellationToken cancellationToken)
        {
            Record(nameof(ReadTotalsAsync));
            return inner.ReadTotalsAsync(name, visitors, cancellationToken);
        }

        public ValueTask<CommitOutcome> CommitAsync(CommitBatch batch, CancellationToken cancellationToken)
        {
            Record(nameof(CommitAsync));
            return inner.CommitAsync(batch, cancellationToken);
        }

        void Record(string call)
        {
            lock (Calls)
            {
                Calls.Add((call, Activity.Current?.DisplayName));
            }
        }
    }
}
