using System;
using System.IO;
using System.Threading;
using Microsoft.Extensions.Logging;

namespace GrpcServer.Internal;

/// <summary>
/// The logger factory of <see cref="RpcServer"/>'s own host: the one it wraps, except for two framework events that
/// a client can cause at will and that would otherwise fill the log.
/// <list type="bullet">
/// <item>grpc-dotnet reads a unary request before any GrpcServer code runs, and logs a request whose gRPC framing is
/// broken (a length prefix over 2 GB, a compressed flag other than 0 or 1) or whose stream the client resets as an
/// Error of the service method ("Error when executing service method"). Every exception a GrpcServer handler throws
/// reaches grpc-dotnet as an <c>RpcException</c>, which it logs at Information, so that event with an I/O or
/// invalid-data exception is always the client's doing: it is written at Debug.</item>
/// <item>Kestrel writes a Warning for every connection refused over <see cref="RpcServerOptions.MaxConcurrentConnections"/>:
/// at most one is written per <see cref="RejectedConnectionWarningInterval"/>.</item>
/// </list>
/// </summary>
internal sealed class ClientErrorLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    /// <summary>How often a refused connection may be logged at Warning.</summary>
    public static readonly TimeSpan RejectedConnectionWarningInterval = TimeSpan.FromSeconds(10);

    private const string ServerCallHandlerCategory = "Grpc.AspNetCore.Server.ServerCallHandler";
    private const int ErrorExecutingServiceMethod = 6;
    private const string KestrelConnectionsCategory = "Microsoft.AspNetCore.Server.Kestrel.Connections";
    private const string ConnectionRejected = "ConnectionRejected";

    // One limit for the server's host, however many loggers of the category are created.
    private long _nextRejectedConnectionWarning;

    public ILogger CreateLogger(string categoryName)
    {
        var logger = inner.CreateLogger(categoryName);
        if (categoryName == ServerCallHandlerCategory)
        {
            return new ServerCallHandlerLogger(logger);
        }

        return categoryName == KestrelConnectionsCategory ? new KestrelConnectionsLogger(logger, this) : logger;
    }

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose() => inner.Dispose();

    private bool TakeRejectedConnectionWarning()
    {
        var now = Environment.TickCount64;
        var next = Volatile.Read(ref _nextRejectedConnectionWarning);
        return now >= next
            && Interlocked.CompareExchange(ref _nextRejectedConnectionWarning, now + (long)RejectedConnectionWarningInterval.TotalMilliseconds, next) == next;
    }

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

    private sealed class KestrelConnectionsLogger(ILogger inner, ClientErrorLoggerFactory factory) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
            => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Name == ConnectionRejected && !factory.TakeRejectedConnectionWarning())
            {
                logLevel = LogLevel.Debug;
            }

            inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
