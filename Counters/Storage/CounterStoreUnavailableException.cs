namespace LiveCounter.Storage;

/// <summary>A read could not reach the store; use cases turn it into 503 with Retry-After.</summary>
public sealed class CounterStoreUnavailableException : Exception
{
    /// <summary>The store answered, turning the read away for load (Table Storage's <c>ServerBusy</c>): worth trying again after a while.</summary>
    public bool Busy { get; init; }

    public CounterStoreUnavailableException()
    {
    }

    public CounterStoreUnavailableException(string message)
        : base(message)
    {
    }

    public CounterStoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
