namespace LearningPlatform.Services.Features.Catalog;

internal static partial class CatalogLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Course {CourseId} created by {UserId}")]
    public static partial void CourseCreated(ILogger logger, string courseId, string userId);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Course {CourseId} updated to version {Version} by {UserId}")]
    public static partial void CourseUpdated(ILogger logger, string courseId, long version, string userId);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Seed content: inserted {Courses} courses and {Exercises} exercises that were missing")]
    public static partial void SeedInserted(ILogger logger, int courses, int exercises);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Course {CourseId} changed concurrently while updating its exercise list; retrying (attempt {Attempt})")]
    public static partial void CourseWriteRetried(ILogger logger, string courseId, int attempt);
}
