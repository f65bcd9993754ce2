using Azure;
using Azure.Data.Tables;
using LiveCounter.Increments;
using LiveCounter.Storage;
using LiveCounter.Tests.Support;
using static LiveCounter.Tests.Support.Requests;

namespace LiveCounter.Tables.Tests;

/// <summary>What Azurite cannot be made to do: name a chosen action as the failed one, throttle, or fail on a bug.</summary>
public sealed class ScriptedTableAnswersTests
{
    static readonly DateTimeOffset Now = Batches.At;

    readonly Mock<TableClient> _reads = new(MockBehavior.Strict);
    readonly Mock<TableClient> _transactions = new(MockBehavior.Strict);
    readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    TableCounterStore Store => new(new CounterTable(_reads.Object, _transactions.Object));

    /// <summary>Alice's two keyed increments on lane 3 of a new counter: records at 0 and 1, the lane at 2, Alice's row at 3.</summary>
    static CommitBatch TwoKeyedIncrements() => Batches.On(CounterLanes.None(Hits), (1, "a", Alice), (1, "b", Alice));

    void TransactionFails(Exception failure) =>
        _transactions.Setup(t => t.SubmitTransactionAsync(It.IsAny<IEnumerable<TableTransactionAction>>(), It.IsAny<CancellationToken>()))
            .Returns(TableResponses.Rejected(failure));

    void LaneReads(LaneEntity? lane) =>
        _reads.Setup(t => t.GetEntityIfExistsAsync<LaneEntity>("hits", RowKeys.Lane(Batches.LaneA), null, It.IsAny<CancellationToken>()))
            .Returns(() => lane is null ? TableResponses.Missing<LaneEntity>() : TableResponses.Found(lane));

    [Theory]
    [InlineData(412, 2, ConflictedRow.Lane)]
    [InlineData(409, 2, ConflictedRow.Lane)]
    [InlineData(412, 3, ConflictedRow.Visitor)]
    [InlineData(409, 3, ConflictedRow.Visitor)]
    public async Task A_refusal_naming_the_lane_or_a_visitor_s_row_is_a_conflict_on_that_row(int status, int failedIndex, ConflictedRow row)
    {
        TransactionFails(TableResponses.TransactionFailure(status, status == 409 ? "EntityAlreadyExists" : "UpdateConditionNotSatisfied", failedIndex));

        Assert.Equal(new CommitOutcome.Conflict(row), await Store.CommitAsync(TwoKeyedIncrements(), _ct));
    }

    [Fact]
    public async Task A_409_naming_the_second_record_answers_with_that_record_s_stored_result()
    {
        var batch = TwoKeyedIncrements();
        TransactionFails(TableResponses.TransactionFailure(409, "EntityAlreadyExists", failedIndex: 1));
        _reads.Setup(t => t.GetEntityIfExistsAsync<RecordEntity>("hits", RowKeys.Record(new(Alice, IdempotencyKey.Parse("b").Value!)), null, It.IsAny<CancellationToken>()))
            .Returns(() => TableResponses.Found(new RecordEntity { Value = 40, Version = 30, By = 1, VisitorTotal = 9, CommitId = "another", CreatedAt = Now }));

        var outcome = await Store.CommitAsync(batch, _ct);

        var taken = Assert.IsType<CommitOutcome.KeyTaken>(outcome);
        Assert.Equal(1, taken.RecordIndex);
        Assert.Equal((40L, 30L, 9L), (taken.Stored.Counter.Value, taken.Stored.Counter.Version.Value, taken.Stored.VisitorTotal!.Value));
    }

    /// <summary>The service throttles before it handles anything: nothing to read back (no read is set up, and a strict mock would throw on one).</summary>
    [Fact]
    public async Task A_commit_the_service_turns_away_as_server_busy_wrote_nothing_and_is_busy_without_reading_back()
    {
        TransactionFails(new RequestFailedException(503, "The server is busy.", "ServerBusy", null));

        Assert.IsType<CommitOutcome.Busy>(await Store.CommitAsync(TwoKeyedIncrements(), _ct));
        _transactions.Verify(t => t.SubmitTransactionAsync(It.IsAny<IEnumerable<TableTransactionAction>>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    /// <summary>A 500 OperationTimedOut (the service's other answer past its targets), or a 503 without ServerBusy, may have been applied.</summary>
    [Theory]
    [InlineData(500, "OperationTimedOut")]
    [InlineData(503, null)]
    public async Task A_commit_that_failed_otherwise_at_the_service_is_read_back_and_is_unknown_while_nothing_has_moved(int status, string? code)
    {
        TransactionFails(new RequestFailedException(status, "failed", code, null));
        LaneReads(null);

        Assert.IsType<CommitOutcome.Unknown>(await Store.CommitAsync(TwoKeyedIncrements(), _ct));
    }

    [Fact]
    public async Task A_409_whose_record_cannot_be_read_for_load_is_busy_for_the_batch_wrote_nothing()
    {
        TransactionFails(TableResponses.TransactionFailure(409, "EntityAlreadyExists", failedIndex: 1));
        _reads.Setup(t => t.GetEntityIfExistsAsync<RecordEntity>("hits", It.IsAny<string>(), null, It.IsAny<CancellationToken>()))
            .ThrowsAsync(new RequestFailedException(503, "The server is busy.", "ServerBusy", null));

        Assert.IsType<CommitOutcome.Busy>(await Store.CommitAsync(TwoKeyedIncrements(), _ct));
    }

    [Fact]
    public async Task A_read_the_service_turns_away_as_server_busy_is_unavailable_and_says_it_was_busy()
    {
        _reads.Setup(t => t.QueryAsync<LaneEntity>(It.IsAny<string>(), null, null, It.IsAny<CancellationToken>()))
            .Throws(new RequestFailedException(503, "The server is busy.", "ServerBusy", null));
        _reads.Setup(t => t.GetEntityIfExistsAsync<VisitorEntity>("hits", It.IsAny<string>(), null, It.IsAny<CancellationToken>()))
            .ThrowsAsync(new RequestFailedException(500, "timed out", "OperationTimedOut", null));

        var lanes = await Assert.ThrowsAsync<CounterStoreUnavailableException>(async () => await Store.ReadAsync(Hits, _ct));
        var totals = await Assert.ThrowsAsync<CounterStoreUnavailableException>(async () => await Store.ReadTotalsAsync(Hits, [Alice], _ct));

        Assert.True(lanes.Busy);
        Assert.False(totals.Busy);
    }

    [Fact]
    public async Task A_commit_the_service_rejects_as_malformed_is_a_fault_not_an_outage()
    {
        TransactionFails(new RequestFailedException(400, "Bad request", "InvalidInput", null));

        await Assert.ThrowsAsync<RequestFailedException>(async () => await Store.CommitAsync(TwoKeyedIncrements(), _ct));
    }

    /// <summary>
    /// Table Storage refuses, for at least 40 seconds, to create a table it is still deleting (409, as if it existed):
    /// the commit, sent again, finds it missing once more and is unavailable, having written nothing, without a third try.
    /// </summary>
    [Fact]
    public async Task A_commit_whose_table_is_still_missing_after_creating_it_again_is_unavailable()
    {
        TransactionFails(new RequestFailedException(404, "missing", "TableNotFound", null));
        _reads.SetupSequence(t => t.CreateIfNotExistsAsync(It.IsAny<CancellationToken>()))
            .ReturnsAsync(Response.FromValue<Azure.Data.Tables.Models.TableItem>(null!, Mock.Of<Response>(r => r.Status == 409)))
            .ThrowsAsync(new InvalidOperationException("Created again and again: a store that never gives up would loop here."));

        Assert.IsType<CommitOutcome.Unavailable>(await Store.CommitAsync(TwoKeyedIncrements(), _ct));
        _transactions.Verify(t => t.SubmitTransactionAsync(It.IsAny<IEnumerable<TableTransactionAction>>(), It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Fact]
    public async Task A_commit_whose_table_is_missing_and_cannot_be_created_for_an_outage_is_unavailable()
    {
        TransactionFails(new RequestFailedException(404, "missing", "TableNotFound", null));
        _reads.Setup(t => t.CreateIfNotExistsAsync(It.IsAny<CancellationToken>())).ThrowsAsync(new RequestFailedException(503, "Server busy", "ServerBusy", null));

        Assert.IsType<CommitOutcome.Unavailable>(await Store.CommitAsync(TwoKeyedIncrements(), _ct));
        _transactions.Verify(t => t.SubmitTransactionAsync(It.IsAny<IEnumerable<TableTransactionAction>>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    /// <summary>Rows that changed or went between the sweep's query and its transaction: the others are deleted one by one.</summary>
    [Fact]
    public async Task A_sweep_whose_transaction_finds_a_row_gone_deletes_the_rest_one_by_one()
    {
        static TableEntity Row(string key) => new("votes", "key:anonymous:" + key)
        {
            ETag = new ETag("W/\"" + key + "\""),
            Timestamp = Now,
            ["CreatedAt"] = Now,
            ["ExpiresAt"] = Now + TimeSpan.FromSeconds(1),
        };
        var rows = new[] { Row("a"), Row("b"), Row("c") };
        var answeredLater = TableResponses.DatedAnswer(Now + TimeSpan.FromSeconds(1));
        _reads.Setup(t => t.GetEntityIfExistsAsync<TableEntity>(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<IEnumerable<string>>(), It.IsAny<CancellationToken>()))
            .Returns(TableResponses.MissingAnswered<TableEntity>(answeredLater));
        _reads.Setup(t => t.QueryAsync<TableEntity>(It.IsAny<string>(), 1000, It.IsAny<IEnumerable<string>>(), It.IsAny<CancellationToken>()))
            .Returns(AsyncPageable<TableEntity>.FromPages([Page<TableEntity>.FromValues(rows, continuationToken: null, answeredLater)]));
        _reads.Setup(t => t.SubmitTransactionAsync(It.IsAny<IEnumerable<TableTransactionAction>>(), It.IsAny<CancellationToken>()))
            .Returns(TableResponses.Rejected(TableResponses.TransactionFailure(404, "ResourceNotFound", failedIndex: 1)));
        _reads.Setup(t => t.DeleteEntityAsync("votes", It.IsAny<string>(), It.IsAny<ETag>(), It.IsAny<CancellationToken>()))
            .Returns((string _, string rowKey, ETag _, CancellationToken _) => rowKey.EndsWith('b')
                ? Task.FromException<Response>(new RequestFailedException(404, "gone", "ResourceNotFound", null))
                : Task.FromResult(Mock.Of<Response>()));

        var report = await new TableExpiredRecords(new CounterTable(_reads.Object, _transactions.Object)).DeleteAsync(Now, 100, _ct);

        Assert.Equal(new Retention.SweepReport(2, Finished: true), report);
        _reads.Verify(t => t.DeleteEntityAsync("votes", "key:anonymous:a", new ETag("W/\"a\""), It.IsAny<CancellationToken>()), Times.Once);
        _reads.Verify(t => t.DeleteEntityAsync("votes", "key:anonymous:c", new ETag("W/\"c\""), It.IsAny<CancellationToken>()), Times.Once);
    }

    /// <summary>Without the service's time, nothing can be judged expired: the sweep fails rather than guess on its own clock.</summary>
    [Fact]
    public async Task A_sweep_whose_answers_carry_no_date_deletes_nothing_and_fails()
    {
        _reads.Setup(t => t.GetEntityIfExistsAsync<TableEntity>(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<IEnumerable<string>>(), It.IsAny<CancellationToken>()))
            .Returns(TableResponses.MissingAnswered<TableEntity>(TableResponses.DatedAnswer(null)));

        await Assert.ThrowsAsync<InvalidOperationException>(() => new TableExpiredRecords(new CounterTable(_reads.Object, _transactions.Object)).DeleteAsync(Now, 100, _ct));
    }
}
