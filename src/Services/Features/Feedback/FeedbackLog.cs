namespace LearningPlatform.Services.Features.Feedback;

internal static partial class FeedbackLog
{
    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Hint {Count} of {ExerciseId} released to {UserId} after failed attempts")]
    public static partial void HintReleased(ILogger logger, string userId, string exerciseId, int count);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "Hint {Count} of {ExerciseId} revealed on request of {UserId}")]
    public static partial void HintRequested(ILogger logger, string userId, string exerciseId, int count);
}
