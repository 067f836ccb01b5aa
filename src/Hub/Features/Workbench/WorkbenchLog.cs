namespace LearningPlatform.Hub.Features.Workbench;

/// <summary>Log messages of the workbench hub (event ids 4000–4099).</summary>
internal static partial class WorkbenchLog
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "Workbench accepts at most {Max} connections (open-file limit {OpenFileLimit})")]
    public static partial void ConnectionLimit(ILogger logger, int max, long? openFileLimit);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Workbench connection refused: {Max} connections reached")]
    public static partial void ConnectionRefused(ILogger logger, int max);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Session {SessionId} opened by {UserId} for exercise {ExerciseId}")]
    public static partial void SessionOpened(ILogger logger, string sessionId, string userId, string exerciseId);

    [LoggerMessage(EventId = 4040, Level = LogLevel.Information, Message = "Session {SessionId} of {UserId} restored from the document store at version {Version} (Redis had lost it)")]
    public static partial void SessionRestored(ILogger logger, string sessionId, string userId, long version);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Debug, Message = "Edit of session {SessionId} refused: {Reason}")]
    public static partial void EditRefused(ILogger logger, string sessionId, string reason);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "Run {RunId} ({Mode}) of session {SessionId} posted")]
    public static partial void RunPosted(ILogger logger, string runId, string mode, string sessionId);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "Relay of run {RunId} stopped before its result")]
    public static partial void RelayLost(ILogger logger, string runId, Exception? exception);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Information, Message = "Run {RunId} cancelled by {UserId}")]
    public static partial void RunCancelled(ILogger logger, string runId, string userId);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Warning, Message = "Services answered {Status} to {Method} {Path}")]
    public static partial void ServicesError(ILogger logger, int status, string method, string path);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Error, Message = "Hub method {Method} failed unexpectedly")]
    public static partial void MethodFailed(ILogger logger, string method, Exception exception);

    [LoggerMessage(EventId = 4014, Level = LogLevel.Information, Message = "Hub method {Method} refused: {Reason}")]
    public static partial void MethodRefused(ILogger logger, string method, string reason);

    [LoggerMessage(EventId = 4015, Level = LogLevel.Warning, Message = "Hub method {Method} refused, a dependency is unavailable ({Kind}: {Reason})")]
    public static partial void MethodRefusedInOutage(ILogger logger, string method, string kind, string reason);

    [LoggerMessage(EventId = 4009, Level = LogLevel.Information, Message = "Hint sent to session {SessionId} by {UserId}")]
    public static partial void HintSent(ILogger logger, string sessionId, string userId);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Warning, Message = "Live diagnostics of session {SessionId} failed")]
    public static partial void DiagnosticsFailed(ILogger logger, string sessionId, Exception exception);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Warning, Message = "A recommendations message on the hubs' channel could not be read")]
    public static partial void RecommendationsUnreadable(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Debug, Message = "Recommendations for {UserId} not sent to connection {ConnectionId}")]
    public static partial void RecommendationsNotSent(ILogger logger, string userId, string connectionId, Exception exception);

    [LoggerMessage(EventId = 4013, Level = LogLevel.Debug, Message = "Keep-alive ping to connection {ConnectionId} failed")]
    public static partial void PingFailed(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(EventId = 4016, Level = LogLevel.Warning, Message = "The live sessions of course {CourseId} could not be pushed to its dashboard")]
    public static partial void DashboardPushFailed(ILogger logger, string courseId, Exception exception);
}
