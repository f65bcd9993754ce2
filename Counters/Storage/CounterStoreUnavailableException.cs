namespace LiveCounter.Storage;

/// <summary>A read could not reach the store; use cases turn it into 503 with Retry-After.</summary>
public sealed class CounterStoreUnavailableException : Exception
{
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
