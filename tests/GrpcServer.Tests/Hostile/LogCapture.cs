using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace GrpcServer.Tests.Hostile;

/// <summary>One log entry as the server wrote it: category, level, event, the formatted message and the exception.</summary>
internal sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception)
{
    public override string ToString() => $"{Level} {Category}[{EventId.Id}] {Message}{(Exception is null ? "" : " | " + Exception.GetType().Name + ": " + Exception.Message)}";
}

/// <summary>
/// A logger provider that keeps every entry, for asserting the level a server logs something at. <see cref="Configure"/>
/// is for <see cref="RpcServerOptions.ConfigureLogging"/>: it replaces the console and records everything from Debug
/// up, the framework's categories included, so that a test sees what a production log at any level would hold.
/// </summary>
internal sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    /// <summary>
    /// The entries at <paramref name="level"/> or above, but for the one warning at start that lists the RPCs without a
    /// handler (GrpcServer[10]): it is about how the test set up its server, not about anything a client sent.
    /// </summary>
    public IReadOnlyList<LogEntry> AtOrAbove(LogLevel level) =>
        [.. _entries.Where(e => e.Level >= level && e.Level != LogLevel.None && !(e.Category == "GrpcServer" && e.EventId.Name == "RpcsWithoutHandler"))];

    /// <summary>The entries of one event of GrpcServer's own category.</summary>
    public IReadOnlyList<LogEntry> GrpcServerEvents(string eventName) =>
        [.. _entries.Where(e => e.Category == "GrpcServer" && e.EventId.Name == eventName)];

    /// <summary>Use as <see cref="RpcServerOptions.ConfigureLogging"/> (with <see cref="RpcServerOptions.LogLevel"/> Debug).</summary>
    public void Configure(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddProvider(this);
        logging.SetMinimumLevel(LogLevel.Debug);
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Debug);
        logging.AddFilter("Grpc.AspNetCore", LogLevel.Debug);
    }

    /// <summary>Asserts that nothing was logged at Warning or above (see <see cref="AtOrAbove"/>): what the tests send is the client's doing.</summary>
    public void AssertNothingAtWarningOrAbove()
    {
        var loud = AtOrAbove(LogLevel.Warning);
        Assert.True(loud.Count == 0, "Logged at Warning or above:\n" + string.Join("\n", loud));
    }

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<LogEntry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
            => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new LogEntry(category, logLevel, eventId, formatter(state, exception), exception));
    }
}
