using System.Diagnostics;
using System.Text;
using System.Text.Json;
using LiveCounter.Problems;

namespace LiveCounter.Wire;

/// <summary>Reads the one member's value once the reader is on it; the problem when the value is not one.</summary>
internal delegate ProblemOr<T> MemberReader<T>(ref Utf8JsonReader reader)
    where T : notnull;

/// <summary>
/// A JSON request body that is one object with a single member: how both bodies of the API are read. Read by hand
/// rather than bound to a type, so that every way a body can be wrong (not an object, unknown or repeated members, a
/// value of the wrong kind, trailing content) gets its own clear answer instead of a silent default.
/// </summary>
/// <param name="member">The member's name.</param>
/// <param name="shape">What a body must look like, said in every problem about its shape.</param>
/// <param name="whenAbsent">What an empty body, or an object without the member, means; null when the member is required.</param>
internal sealed class SingleMemberBody<T>(string member, string shape, T? whenAbsent, MemberReader<T> readValue)
    where T : class
{
    readonly byte[] _member = Encoding.UTF8.GetBytes(member);

    public ProblemOr<T> Parse(ReadOnlySpan<byte> body)
    {
        body = ByteOrderMark.Strip(body);
        if (whenAbsent is not null && body.Trim(" \t\r\n"u8).IsEmpty)
        {
            return whenAbsent;
        }

        try
        {
            return ParseObject(body);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string holding invalid UTF-8 or a lone surrogate, found as its value is read.
            return Problem.BadRequest($"The body is not valid JSON. {shape}");
        }
    }

    ProblemOr<T> ParseObject(ReadOnlySpan<byte> body)
    {
        // The reader's defaults refuse comments; depth never matters, as a member's value is read as its first token alone.
        var reader = new Utf8JsonReader(body);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return Problem.BadRequest(shape);
        }

        T? value = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!reader.ValueTextEquals(_member))
            {
                return Problem.BadRequest($"The only member allowed is {member}. {shape}");
            }

            if (value is not null)
            {
                return Problem.BadRequest($"{member} appears more than once. {shape}");
            }

            reader.Read();
            var read = readValue(ref reader);
            if (!read.Succeeded)
            {
                return read.Problem;
            }

            value = read.Value;
        }

        // A value is one token, so the loop ends only on the object's end (content cut short throws). Reading on past
        // the object makes the reader throw on trailing content such as a second document.
        Debug.Assert(reader.TokenType == JsonTokenType.EndObject, "A member's value is a single token.");
        if (reader.Read())
        {
            return Problem.BadRequest(shape);
        }

        return value ?? whenAbsent ?? (ProblemOr<T>)Problem.BadRequest($"{member} is required. {shape}");
    }
}
