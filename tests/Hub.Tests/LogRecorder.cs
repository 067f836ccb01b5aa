using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace LearningPlatform.Hub.Tests;

public sealed record LogRecord(string Category, LogLevel Level, EventId EventId, string Message);

/// <summary>What a host logged at Warning and above, for tests of what is (and what is not) worth a warning.</summary>
public sealed class LogRecorder : ILoggerProvider
{
    private readonly ConcurrentQueue<LogRecord> _records = new();

    public IReadOnlyCollection<LogRecord> Records => _records;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _records);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<LogRecord> records) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                records.Enqueue(new LogRecord(category, logLevel, eventId, formatter(state, exception)));
            }
        }
    }
}
