using LiveCounter.Problems;

namespace LiveCounter.Api.Http;

/// <summary>Reads a request body without ever buffering more than the API accepts.</summary>
public static class RequestBody
{
    /// <summary>Every body the API accepts fits in 1 KiB; anything larger is 413 before it is parsed.</summary>
    public const int MaxBytes = 1024;

    public static Task<ProblemOr<byte[]>> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ReadAsync(request.Body, request.ContentLength, cancellationToken);
    }

    public static async Task<ProblemOr<byte[]>> ReadAsync(Stream body, long? declaredLength, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (declaredLength > MaxBytes)
        {
            return Problem.PayloadTooLarge(MaxBytes);
        }

        // One byte more than the limit is enough to tell "too large" without reading the rest.
        var buffer = new byte[MaxBytes + 1];
        var filled = 0;
        int read;
        while (filled < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false)) > 0)
        {
            filled += read;
        }

        return filled > MaxBytes ? Problem.PayloadTooLarge(MaxBytes) : buffer[..filled];
    }
}
