namespace LearningPlatform.Services.Features.Recommendations;

internal static partial class RecommendationsLog
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Debug, Message = "Knowledge of {UserId} changed concurrently; retrying (attempt {Attempt})")]
    public static partial void KnowledgeWriteRetried(ILogger logger, string userId, int attempt);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Refresh of {UserId}'s recommendations scheduled in {Delay}")]
    public static partial void RefreshScheduled(ILogger logger, string userId, TimeSpan delay);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Recommendations of {UserId} changed ({Count} items); published")]
    public static partial void RecommendationsChanged(ILogger logger, string userId, int count);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "Nightly refresh enqueued for {Count} active learners")]
    public static partial void NightlyRefresh(ILogger logger, int count);
}
