namespace LearningPlatform.Services.Features.Progress;

internal static partial class ProgressLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Submission {RunId} of {UserId} on {ExerciseId} counted (attempt {Attempts}, completed {Completed})")]
    public static partial void SubmissionCounted(ILogger logger, string runId, string userId, string exerciseId, int attempts, bool completed);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Submission {RunId} was counted already; event {EventId} changes nothing")]
    public static partial void DuplicateSubmission(ILogger logger, string runId, string eventId);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Learning record statements for {BatchId} could not be sent: {Status}")]
    public static partial void XapiFailed(ILogger logger, string batchId, string status);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "Sent {Count} learning record statements for {BatchId}")]
    public static partial void XapiSent(ILogger logger, string batchId, int count);
}
