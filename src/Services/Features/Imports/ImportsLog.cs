namespace LearningPlatform.Services.Features.Imports;

internal static partial class ImportsLog
{
    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Import {ImportId} ({Format}) accepted from {UserId} into {CourseId}")]
    public static partial void Accepted(ILogger logger, string importId, string format, string userId, string? courseId);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "Import {ImportId} into {CourseId} finished: {Summary}")]
    public static partial void Finished(ILogger logger, string importId, string? courseId, string? summary);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Warning, Message = "Import {ImportId} failed: {Reason}")]
    public static partial void Failed(ILogger logger, string importId, string reason);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Information, Message = "Import {ImportId} taken over (its lease had ended)")]
    public static partial void TakenOver(ILogger logger, string importId);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Warning, Message = "Import {ImportId} stopped here and will be taken over: {Reason}")]
    public static partial void Interrupted(ILogger logger, string importId, string reason);
}
