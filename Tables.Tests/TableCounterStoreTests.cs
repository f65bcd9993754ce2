using Azure;
using Azure.Data.Tables;
using LiveCounter.Tables;
using LiveCounter.Increments;
using LiveCounter.Storage;
using LiveCounter.Visitors;
using Moq;
using Xunit;

namespace LiveCounter.Tables.Tests;

public sealed class TableCounterStoreTests
{
    static readonly CounterName Votes = CounterName.Parse("votes").Value!;
    static readonly IdempotencyKey Key = IdempotencyKey.Parse("k-1").Value!;

    readonly Mock<TableClient> _table = new(MockBehavior.Strict);
    readonly List<List<TableTransactionAction>> _transactions = [];

    [Fact]
    public async Task ACounterNeverWrittenReadsAsInitialWithNoToken()
    {
        SetupState(() => TableResponses.Missing<StateEntity>());

        var state = await Store.ReadAsync(Votes, null, TestContext.Current.CancellationToken);

        Assert.Equal(CounterSnapshot.Initial(Votes), state.Counter);
        Assert.Null(state.ConcurrencyToken);
        Assert.Equal(0, state.VisitorTotal);
    }

    [Fact]
    public async Task AReadGivesTheStateRowsETagAsTokenAndReadsTheCounterBeforeTheVisitorsTotal()
    {
        var order = new List<string>();
        SetupState(() =>
        {
            order.Add("state");
            return TableResponses.Found(State(value: 7, version: 4, etag: "W/\"e4\""));
        });
        _table.Setup(t => t.GetEntityIfExistsAsync<VisitorEntity>("votes", RowKeys.Visitor(TestVisitors.Alice), null, It.IsAny<CancellationToken>()))
            .Returns(() =>
            {
                order.Add("visitor");
                return TableResponses.Found(new VisitorEntity { PartitionKey = "votes", RowKey = RowKeys.Visitor(TestVisitors.Alice), Total = 3 });
            });

        var state = await Store.ReadAsync(Votes, TestVisitors.Alice, TestContext.Current.CancellationToken);

        Assert.Equal(new CounterSnapshot(Votes, 7, new LiveCounter.Version(4), FixedTimeProvider.Instant), state.Counter);
        Assert.Equal("W/\"e4\"", state.ConcurrencyToken);
        Assert.Equal(3, state.VisitorTotal);
        Assert.Collection(order, first => Assert.Equal("state", first), second => Assert.Equal("visitor", second));
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    [InlineData(429)]
    [InlineData(408)]
    [InlineData(0)]
    public async Task AReadThatTheServiceCannotAnswerIsStoreUnavailable(int status)
    {
        SetupState(() => Task.FromException<NullableResponse<StateEntity>>(new RequestFailedException(status, "unavailable")));

        await Assert.ThrowsAsync<CounterStoreUnavailableException>(
            async () => await Store.ReadAsync(Votes, null, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ANewCounterIsOneTransactionInItsPartitionWithTheKeyRowFirstTheStateAddedAndTheVisitorUpserted()
    {
        SetupCommits(TableResponses.Committed);

        var outcome = await Store.CommitAsync(Pending(expectedToken: null, key: Key, visitor: TestVisitors.Alice), TestContext.Current.CancellationToken);

        Assert.Equal(CommitOutcome.Applied, outcome);
        var actions = Assert.Single(_transactions);
        Assert.All(actions, action => Assert.Equal("votes", action.Entity.PartitionKey));
        Assert.Collection(
            actions,
            record =>
            {
                Assert.Equal(TableTransactionActionType.Add, record.ActionType);
                var entity = Assert.IsType<RecordEntity>(record.Entity);
                Assert.Equal(RowKeys.Record(TestVisitors.Alice, Key), entity.RowKey);
                Assert.Equal(1L, entity.Value);
                Assert.Equal(1L, entity.Version);
                Assert.Equal(FixedTimeProvider.Instant, entity.UpdatedAt);
                Assert.Equal(1, entity.By);
                Assert.Equal(1L, entity.VisitorTotal);
            },
            state =>
            {
                Assert.Equal(TableTransactionActionType.Add, state.ActionType);
                var entity = Assert.IsType<StateEntity>(state.Entity);
                Assert.Equal(RowKeys.State, entity.RowKey);
                Assert.Equal(1L, entity.Value);
                Assert.Equal(1L, entity.Version);
                Assert.Equal(FixedTimeProvider.Instant, entity.UpdatedAt);
            },
            visitor =>
            {
                Assert.Equal(TableTransactionActionType.UpsertReplace, visitor.ActionType);
                var entity = Assert.IsType<VisitorEntity>(visitor.Entity);
                Assert.Equal(RowKeys.Visitor(TestVisitors.Alice), entity.RowKey);
                Assert.Equal(1, entity.Total);
            });
    }

    [Fact]
    public async Task AnExistingCounterIsReplacedOnlyIfItsETagStillMatchesAndNeverUpserted()
    {
        SetupCommits(TableResponses.Committed);

        await Store.CommitAsync(Pending(expectedToken: "W/\"e4\"", key: null, visitor: null), TestContext.Current.CancellationToken);

        var state = Assert.Single(Assert.Single(_transactions));
        Assert.Equal(TableTransactionActionType.UpdateReplace, state.ActionType);
        Assert.Equal(new ETag("W/\"e4\""), state.ETag);
        Assert.NotEqual(ETag.All, state.ETag);
        Assert.IsType<StateEntity>(state.Entity);
    }

    [Fact]
    public async Task A412MeansAnotherWriterWonAndIsAConflict()
    {
        SetupCommits(() => TableResponses.Rejected(TableResponses.TransactionFailure(412, "UpdateConditionNotSatisfied", failedIndex: 1)));

        var outcome = await Store.CommitAsync(Pending(expectedToken: "W/\"e4\"", key: Key, visitor: null), TestContext.Current.CancellationToken);

        Assert.Equal(CommitOutcome.Conflict, outcome);
    }

    [Fact]
    public async Task A409OnTheStateRowOfAFirstWriteIsAConflict()
    {
        SetupCommits(() => TableResponses.Rejected(TableResponses.TransactionFailure(409, "EntityAlreadyExists", failedIndex: 1)));

        var outcome = await Store.CommitAsync(Pending(expectedToken: null, key: Key, visitor: null), TestContext.Current.CancellationToken);

        Assert.Equal(CommitOutcome.Conflict, outcome);
        _table.Verify(
            t => t.GetEntityIfExistsAsync<RecordEntity>(It.IsAny<string>(), It.IsAny<string>(), null, It.IsAny<CancellationToken>()),
            Times.Never);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(null)]
    public async Task A409OnTheKeyRowMeansTheKeyWasUsedAndReturnsTheStoredResult(int? failedIndex)
    {
        SetupCommits(() => TableResponses.Rejected(TableResponses.TransactionFailure(409, "EntityAlreadyExists", failedIndex)));
        SetupRecord(TestVisitors.Alice, () => TableResponses.Found(Record(value: 41, version: 40, by: 2, visitorTotal: 6)));

        var outcome = await Store.CommitAsync(Pending(expectedToken: "W/\"e4\"", key: Key, visitor: TestVisitors.Alice), TestContext.Current.CancellationToken);

        var recorded = Assert.IsType<CommitOutcome.AlreadyRecorded>(outcome).Recorded;
        Assert.Equal(new CounterSnapshot(Votes, 41, new LiveCounter.Version(40), FixedTimeProvider.Instant), recorded.Counter);
        Assert.Equal(2, recorded.By.Value);
        Assert.Equal(TestVisitors.Alice, recorded.Visitor);
        Assert.Equal(6, recorded.VisitorTotal);
    }

    [Fact]
    public async Task A409WhoseKeyRowCannotBeFoundIsAConflict()
    {
        SetupCommits(() => TableResponses.Rejected(TableResponses.TransactionFailure(409, "EntityAlreadyExists", failedIndex: null)));
        SetupRecord(null, () => TableResponses.Missing<RecordEntity>());

        var outcome = await Store.CommitAsync(Pending(expectedToken: null, key: Key, visitor: null), TestContext.Current.CancellationToken);

        Assert.Equal(CommitOutcome.Conflict, outcome);
    }

    static readonly Dictionary<string, Func<Exception>> Outages = new()
    {
        ["503"] = () => new RequestFailedException(503, "Service Unavailable"),
        ["500"] = () => new RequestFailedException(500, "Internal Server Error"),
        ["network"] = () => new RequestFailedException(0, "Connection refused"),
        ["429"] = () => new RequestFailedException(429, "Too Many Requests"),
        ["table missing"] = () => new RequestFailedException(404, "The table specified does not exist.", "TableNotFound", null),
        ["timeout"] = () => new TaskCanceledException("The operation was cancelled because it exceeded the configured timeout."),
        ["http"] = () => new HttpRequestException("Connection reset"),
        ["retries exhausted"] = () => new AggregateException(
            "Retry failed after 4 tries.", new RequestFailedException(503, "busy"), new HttpRequestException("reset")),
    };

    [Theory]
    [InlineData("503")]
    [InlineData("500")]
    [InlineData("network")]
    [InlineData("429")]
    [InlineData("table missing")]
    [InlineData("timeout")]
    [InlineData("http")]
    [InlineData("retries exhausted")]
    public async Task ACommitTheStoreCannotTakeIsUnavailable(string outage)
    {
        SetupCommits(() => TableResponses.Rejected(Outages[outage]()));

        var outcome = await Store.CommitAsync(Pending(expectedToken: "W/\"e4\"", key: Key, visitor: null), TestContext.Current.CancellationToken);

        Assert.Equal(CommitOutcome.Unavailable, outcome);
    }

    [Fact]
    public async Task ARequestTheServiceRejectsAsMalformedIsNotMistakenForAnOutage()
    {
        SetupCommits(() => TableResponses.Rejected(TableResponses.TransactionFailure(400, "InvalidInput", failedIndex: 0)));

        await Assert.ThrowsAsync<TableTransactionFailedException>(
            async () => await Store.CommitAsync(Pending(expectedToken: null, key: Key, visitor: null), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A412ThenSuccessRetriesWithTheFreshStateAndItsETag()
    {
        var reads = new Queue<StateEntity>([State(value: 1, version: 1, etag: "W/\"e1\""), State(value: 2, version: 2, etag: "W/\"e2\"")]);
        SetupState(() => TableResponses.Found(reads.Dequeue()));
        var commits = new Queue<Func<Task<Response<IReadOnlyList<Response>>>>>(
        [
            () => TableResponses.Rejected(TableResponses.TransactionFailure(412, "UpdateConditionNotSatisfied", failedIndex: 0)),
            TableResponses.Committed,
        ]);
        SetupCommits(() => commits.Dequeue()());

        var outcome = await Increment.ExecuteAsync(Request(key: null, visitor: null), TestContext.Current.CancellationToken);

        Assert.True(outcome.Succeeded);
        Assert.False(outcome.Value.Replayed);
        Assert.Equal(new CounterSnapshot(Votes, 3, new LiveCounter.Version(3), FixedTimeProvider.Instant), outcome.Value.Result.Counter);
        Assert.Equal(2, _transactions.Count);
        Assert.Equal(new ETag("W/\"e1\""), Assert.Single(_transactions[0]).ETag);
        var retried = Assert.Single(_transactions[1]);
        Assert.Equal(new ETag("W/\"e2\""), retried.ETag);
        Assert.Equal(3, Assert.IsType<StateEntity>(retried.Entity).Value);
    }

    [Fact]
    public async Task A409OnTheKeyRowReplaysTheStoredResultThroughTheUseCaseAndBroadcastsNothing()
    {
        SetupState(() => TableResponses.Found(State(value: 50, version: 50, etag: "W/\"e50\"")));
        SetupCommits(() => TableResponses.Rejected(TableResponses.TransactionFailure(409, "EntityAlreadyExists", failedIndex: 0)));
        SetupRecord(null, () => TableResponses.Found(Record(value: 41, version: 40, by: 1, visitorTotal: null)));

        var outcome = await Increment.ExecuteAsync(Request(key: Key, visitor: null), TestContext.Current.CancellationToken);

        Assert.True(outcome.Succeeded);
        Assert.True(outcome.Value.Replayed);
        Assert.Empty(outcome.Value.Messages);
        Assert.Equal(41, outcome.Value.Result.Counter.Value);
        Assert.Single(_transactions);
    }

    [Fact]
    public async Task AnUnavailableStoreIsA503ThroughTheUseCase()
    {
        SetupState(() => TableResponses.Found(State(value: 1, version: 1, etag: "W/\"e1\"")));
        SetupCommits(() => TableResponses.Rejected(new RequestFailedException(503, "Service Unavailable")));

        var outcome = await Increment.ExecuteAsync(Request(key: null, visitor: null), TestContext.Current.CancellationToken);

        Assert.False(outcome.Succeeded);
        Assert.Equal(503, outcome.Problem.Status);
        Assert.Equal(1, outcome.Problem.RetryAfterSeconds);
    }

    TableCounterStore Store => new(_table.Object);

    IncrementCounter Increment => new(Store, new FixedTimeProvider(), new RetryPolicy(3, TimeSpan.Zero, TimeSpan.Zero), Random.Shared);

    static StateEntity State(long value, long version, string etag) => new()
    {
        PartitionKey = "votes",
        RowKey = RowKeys.State,
        Value = value,
        Version = version,
        UpdatedAt = FixedTimeProvider.Instant,
        ETag = new ETag(etag),
    };

    static RecordEntity Record(long value, long version, int by, long? visitorTotal) => new()
    {
        PartitionKey = "votes",
        Value = value,
        Version = version,
        UpdatedAt = FixedTimeProvider.Instant,
        By = by,
        VisitorTotal = visitorTotal,
    };

    static PendingIncrement Pending(string? expectedToken, IdempotencyKey? key, VisitorId? visitor)
    {
        var counter = CounterSnapshot.Initial(Votes).After(Amount.One, FixedTimeProvider.Instant);
        return new PendingIncrement(expectedToken, key, new IncrementResult(counter, Amount.One, visitor, visitor is null ? null : 1));
    }

    static IncrementRequest Request(IdempotencyKey? key, VisitorId? visitor) => new(Votes, Amount.One, key, visitor);

    void SetupState(Func<Task<NullableResponse<StateEntity>>> read) =>
        _table.Setup(t => t.GetEntityIfExistsAsync<StateEntity>("votes", RowKeys.State, null, It.IsAny<CancellationToken>())).Returns(read);

    void SetupRecord(VisitorId? visitor, Func<Task<NullableResponse<RecordEntity>>> read) =>
        _table.Setup(t => t.GetEntityIfExistsAsync<RecordEntity>("votes", RowKeys.Record(visitor, Key), null, It.IsAny<CancellationToken>())).Returns(read);

    void SetupCommits(Func<Task<Response<IReadOnlyList<Response>>>> commit) =>
        _table.Setup(t => t.SubmitTransactionAsync(It.IsAny<IEnumerable<TableTransactionAction>>(), It.IsAny<CancellationToken>()))
            .Returns((IEnumerable<TableTransactionAction> actions, CancellationToken _) =>
            {
                _transactions.Add([.. actions]);
                return commit();
            });
}
