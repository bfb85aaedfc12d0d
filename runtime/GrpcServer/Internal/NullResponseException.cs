using System;

namespace GrpcServer.Internal;

/// <summary>
/// A handler returned or yielded <see langword="null"/> where a message was due: the SR OS module's
/// ValueError. Reported as an <see cref="ArgumentException"/>; the client receives <c>INTERNAL</c>.
/// </summary>
internal sealed class NullResponseException(string message) : ArgumentException(message)
{
    public static NullResponseException For(Context context, Type expected, bool item) => new(
        $"The handler of {context.Rpc} {(item ? "yielded a null item" : "returned null")} instead of a {TypeNames.Format(expected)}. " +
        "Return a message, or call context.Abort(...) to end the call with an error status.");
}
