using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace GrpcServer.Tests;

/// <summary>
/// A logger provider that keeps what the <c>GrpcServer</c> category logs, so a test can assert the lines an operator
/// sees, and await one that is logged in the background.
/// </summary>
internal sealed class ServingLogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<LogLine> _lines = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<LogLine>> _awaited = new(StringComparer.Ordinal);

    public IReadOnlyList<LogLine> Lines => [.. _lines];

    /// <summary>The first line of the event <paramref name="eventName"/>, when it is logged.</summary>
    public Task<LogLine> WaitForAsync(string eventName) =>
        _awaited.GetOrAdd(eventName, _ => new TaskCompletionSource<LogLine>(TaskCreationOptions.RunContinuationsAsynchronously)).Task
            .WaitAsync(TimeSpan.FromSeconds(30));

    public IEnumerable<LogLine> Events(string eventName) => Lines.Where(line => line.EventName == eventName);

    public ILogger CreateLogger(string categoryName) => categoryName == "GrpcServer" ? new Logger(this) : NullLogger.Instance;

    public void Dispose()
    {
    }

    private void Add(LogLine line)
    {
        _lines.Enqueue(line);
        if (line.EventName is { } name)
        {
            _awaited.GetOrAdd(name, _ => new TaskCompletionSource<LogLine>(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(line);
        }
    }

    private sealed class Logger(ServingLogCapture capture) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            capture.Add(new LogLine(logLevel, eventId.Name, formatter(state, exception)));
    }

    private sealed class NullLogger : ILogger
    {
        public static readonly NullLogger Instance = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => false;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
        }
    }
}

/// <summary>One logged line: its level, its event name and its message.</summary>
internal sealed record LogLine(LogLevel Level, string? EventName, string Message);
