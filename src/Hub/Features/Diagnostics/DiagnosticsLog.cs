namespace LearningPlatform.Hub.Features.Diagnostics;

internal static partial class DiagnosticsLog
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Debug, Message = "Dropped stale version {Version} of {SessionId}/{File} (latest {Latest})")]
    public static partial void StaleVersion(ILogger logger, string sessionId, string file, long version, long latest);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "{Layer} analysis of {SessionId}/{File} v{Version} failed")]
    public static partial void AnalysisFailed(ILogger logger, Exception exception, string layer, string sessionId, string file, long version);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "{Layer} analysis of {SessionId}/{File} v{Version} exceeded its time limit of {Limit}")]
    public static partial void AnalysisTimedOut(ILogger logger, string layer, string sessionId, string file, long version, TimeSpan limit);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information, Message = "Refused {SessionId}/{File} v{Version}: {Reason}")]
    public static partial void Refused(ILogger logger, string sessionId, string file, long version, string reason);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Warning, Message = "Publishing {Layer} diagnostics of {SessionId}/{File} v{Version} failed")]
    public static partial void PublishFailed(ILogger logger, Exception exception, string layer, string sessionId, string file, long version);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Debug, Message = "Semantic analysis of {SessionId}/{File} waits: {Limit} analyses already running")]
    public static partial void SemanticQueued(ILogger logger, string sessionId, string file, int limit);

    [LoggerMessage(EventId = 4106, Level = LogLevel.Warning, Message = "Could not set the priority of the Python parse helper (pid {Pid}) to {Priority}; it competes with edits at the hub's priority")]
    public static partial void ReniceFailed(ILogger logger, Exception exception, int pid, System.Diagnostics.ProcessPriorityClass priority);

    [LoggerMessage(EventId = 4110, Level = LogLevel.Information, Message = "C# diagnostics warm in {ElapsedMs} ms")]
    public static partial void CSharpWarm(ILogger logger, long elapsedMs);

    [LoggerMessage(EventId = 4111, Level = LogLevel.Debug, Message = "Dropped the C# compilation of idle session {SessionId}")]
    public static partial void CSharpSessionEvicted(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 4120, Level = LogLevel.Warning, Message = "Python syntax checks are off: cannot start '{Executable}'")]
    public static partial void PythonUnavailable(ILogger logger, Exception exception, string executable);

    [LoggerMessage(EventId = 4121, Level = LogLevel.Information, Message = "Python parse helper started (pid {Pid})")]
    public static partial void PythonStarted(ILogger logger, int pid);

    [LoggerMessage(EventId = 4122, Level = LogLevel.Warning, Message = "Python parse helper (pid {Pid}) killed: {Reason}")]
    public static partial void PythonKilled(ILogger logger, int pid, string reason);

    [LoggerMessage(EventId = 4124, Level = LogLevel.Information, Message = "Python parse helper (pid {Pid}) stopped with the host")]
    public static partial void PythonStopped(ILogger logger, int pid);

    [LoggerMessage(EventId = 4123, Level = LogLevel.Debug, Message = "Python parse helper: {Line}")]
    public static partial void PythonStderr(ILogger logger, string line);

    [LoggerMessage(EventId = 4130, Level = LogLevel.Warning, Message = "Diagnostics warm-up failed")]
    public static partial void WarmUpFailed(ILogger logger, Exception exception);
}
