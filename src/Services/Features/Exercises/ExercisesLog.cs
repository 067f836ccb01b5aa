namespace LearningPlatform.Services.Features.Exercises;

internal static partial class ExercisesLog
{
    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Exercise {ExerciseId} created in course {CourseId} by {UserId}")]
    public static partial void ExerciseCreated(ILogger logger, string exerciseId, string courseId, string userId);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "Exercise {ExerciseId} updated to version {Version} by {UserId}")]
    public static partial void ExerciseUpdated(ILogger logger, string exerciseId, long version, string userId);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Information, Message = "Exercise {ExerciseId} deleted by {UserId}")]
    public static partial void ExerciseDeleted(ILogger logger, string exerciseId, string userId);
}
