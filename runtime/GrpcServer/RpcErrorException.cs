using System;

namespace GrpcServer;

/// <summary>
/// An error while serving RPCs that is not the handler's own fault: the connection closed while a
/// request was being read or a response written, or the server could not start (address in use, bad
/// certificate, ...). The SR OS module's <c>RpcError</c>.
/// </summary>
public sealed class RpcErrorException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public RpcErrorException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public RpcErrorException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
