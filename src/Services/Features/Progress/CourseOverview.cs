using System.Security.Claims;
using LearningPlatform.Contracts;
using LearningPlatform.ServiceDefaults.Auth;
using LearningPlatform.Services.Features.Catalog;
using Microsoft.Extensions.Options;

namespace LearningPlatform.Services.Features.Progress;

/// <summary>
/// <c>GET /api/progress/courses/{courseId}/overview</c> for the course's instructors and admins: every learner with
/// a submission in the course, and who is stuck (many failures since the last pass, or long without progress).
/// </summary>
public static class CourseOverview
{
    public sealed record StuckExercise(string ExerciseId, int FailuresSinceLastPass, DateTimeOffset LastAttemptAt);

    public sealed record LearnerRow(
        string UserId, int ExercisesAttempted, int ExercisesCompleted, int Attempts, DateTimeOffset? LastProgressAt, bool Stuck,
        IReadOnlyList<string> StuckReasons, IReadOnlyList<StuckExercise> StuckOn);

    public sealed record Response(string CourseId, int Learners, int Stuck, int StuckFailedAttempts, TimeSpan StuckIdleAfter, IReadOnlyList<LearnerRow> Rows);

    public static void MapCourseOverview(this IEndpointRouteBuilder group) =>
        group.MapGet("/courses/{courseId}/overview", HandleAsync)
            .RequireAuthorization(AuthExtensions.InstructorOrAdmin)
            .WithName("GetCourseProgressOverview")
            .WithSummary("Learners of the course and who is stuck (instructors of the course and admins).")
            .Produces<Response>();

    private static async Task<IResult> HandleAsync(
        string courseId, ClaimsPrincipal user, CourseCatalog courses, ProgressStore store, IOptions<ProgressOptions> options, TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (await courses.GetAsync(courseId, cancellationToken) is not { } course)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Course not found", detail: $"There is no course '{courseId}'.");
        }

        if (!user.IsInRole(Roles.Admin) && !course.Instructors.Contains(user.UserId()))
        {
            return CatalogProblems.NotAnInstructor(courseId);
        }

        var o = options.Value;
        var now = time.GetUtcNow();
        var learners = await store.Learners.FindAsync(l => l.CourseIds.Contains(courseId), new() { Limit = o.MaxOverviewLearners }, cancellationToken);
        var rows = learners.Select(l =>
        {
            var mine = l.Exercises.Where(e => e.CourseId == courseId).ToList();
            var lastProgress = mine.Where(e => e.CompletedAt is not null).Select(e => e.CompletedAt).Max() ?? mine.Min(e => (DateTimeOffset?)e.FirstAttemptAt);
            var open = mine.Where(e => !e.Completed).ToList();
            var failing = open.Where(e => e.FailuresSinceLastPass >= o.StuckFailedAttempts).ToList();
            var reasons = new List<string>();
            if (failing.Count > 0)
            {
                reasons.Add($"{failing.Count} exercise(s) with at least {o.StuckFailedAttempts} failed attempts and no pass");
            }

            if (open.Count > 0 && lastProgress is { } last && now - last >= o.StuckIdleAfter)
            {
                reasons.Add($"no exercise completed for {(int)(now - last).TotalDays} day(s)");
            }

            return new LearnerRow(
                l.Id, mine.Count, mine.Count(e => e.Completed), mine.Sum(e => e.Attempts), lastProgress, reasons.Count > 0, reasons,
                [.. failing.Select(e => new StuckExercise(e.ExerciseId, e.FailuresSinceLastPass, e.LastAttemptAt))]);
        })
            .OrderByDescending(r => r.Stuck)
            .ThenBy(r => r.UserId, StringComparer.Ordinal)
            .ToList();
        return Results.Ok(new Response(courseId, rows.Count, rows.Count(r => r.Stuck), o.StuckFailedAttempts, o.StuckIdleAfter, rows));
    }
}
