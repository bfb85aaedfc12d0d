using System;
using System.IO;
using Microsoft.Extensions.Logging;

namespace GrpcServer.Internal;

/// <summary>
/// The logger factory of <see cref="RpcServer"/>'s own host: the one it wraps, except for a framework event that a
/// client can cause at will and that would otherwise fill the log.
/// <list type="bullet">
/// <item>grpc-dotnet reads a unary request before any GrpcServer code runs, and logs a request whose gRPC framing is
/// broken (a length prefix over 2 GB, a compressed flag other than 0 or 1) or whose stream the client resets as an
/// Error of the service method ("Error when executing service method"). Every exception a GrpcServer handler throws
/// reaches grpc-dotnet as an <c>RpcException</c>, which it logs at Information, so that event with an I/O or
/// invalid-data exception is always the client's doing: it is written at Debug.</item>
/// </list>
/// </summary>
internal sealed class ClientErrorLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    private const string ServerCallHandlerCategory = "Grpc.AspNetCore.Server.ServerCallHandler";
    private const int ErrorExecutingServiceMethod = 6;

    public ILogger CreateLogger(string categoryName)
    {
        var logger = inner.CreateLogger(categoryName);
        return categoryName == ServerCallHandlerCategory ? new ServerCallHandlerLogger(logger) : logger;
    }

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose() => inner.Dispose();

    private sealed class ServerCallHandlerLogger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
            => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == ErrorExecutingServiceMethod && exception is IOException or InvalidDataException)
            {
                logLevel = LogLevel.Debug;
            }

            inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
