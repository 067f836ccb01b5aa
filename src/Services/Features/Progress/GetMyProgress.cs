using System.Security.Claims;
using LearningPlatform.ServiceDefaults.Auth;
using LearningPlatform.Services.Features.Catalog;
using LearningPlatform.Services.Features.Recommendations;
using Microsoft.Extensions.Options;

namespace LearningPlatform.Services.Features.Progress;

/// <summary><c>GET /api/progress/me</c>: the learner's summary, per course, per exercise and per concept. An exercise is
/// <c>completed</c> only by a graded pass (every hidden check right); <c>selfChecked</c> marks a practice exercise (no
/// hidden checks) whose visible tests passed on submit, which completes nothing and counts for no streak or mastery.</summary>
public static class GetMyProgress
{
    public sealed record Summary(
        int ExercisesAttempted, int ExercisesCompleted, int Attempts, int CompletedWithoutHints, int CurrentStreakDays, int LongestStreakDays,
        double TimeSpentMinutes, DateTimeOffset? LastActivityAt);

    public sealed record ExerciseView(
        string ExerciseId, int Attempts, int FailedAttempts, double BestScore, bool Completed, DateTimeOffset? CompletedAt,
        bool? PassedWithoutHints, int? HintsWhenCompleted, double TimeSpentMinutes, bool Bookmarked, bool SelfChecked);

    public sealed record CourseView(string CourseId, string? Title, int ExercisesTotal, int ExercisesAttempted, int ExercisesCompleted, IReadOnlyList<ExerciseView> Exercises);

    public sealed record ConceptView(string ConceptId, double Mastery, bool Mastered);

    public sealed record Response(string UserId, Summary Summary, IReadOnlyList<CourseView> Courses, IReadOnlyList<ConceptView> Concepts, IReadOnlyList<string> Bookmarks);

    public static void MapGetMyProgress(this IEndpointRouteBuilder group) =>
        group.MapGet("/me", HandleAsync)
            .WithName("GetMyProgress")
            .WithSummary("Your progress: summary with streak, per course and exercise, mastery per concept, bookmarks.")
            .Produces<Response>();

    private static async Task<IResult> HandleAsync(
        ClaimsPrincipal user, ProgressStore store, CourseCatalog courses, IMasteryReader mastery, IOptions<ProgressOptions> options,
        IOptions<RecommendationsOptions> recommendations, TimeProvider time, CancellationToken cancellationToken)
    {
        var userId = user.UserId();
        var learner = await store.Learners.GetAsync(userId, cancellationToken) ?? new LearnerProgress { Id = userId };
        var maxGap = options.Value.MaxAttemptGap;
        ExerciseView View(ExerciseProgress e) => new(
            e.ExerciseId, e.Attempts, e.FailedAttempts, e.BestScore, e.Completed, e.CompletedAt,
            e.Completed ? e.HintsWhenCompleted == 0 : null, e.HintsWhenCompleted,
            Math.Round(ProgressRules.TimeSpent(e, maxGap).TotalMinutes, 2), learner.Bookmarks.Contains(e.ExerciseId), e.SelfChecked);

        var courseViews = new List<CourseView>();
        foreach (var group in learner.Exercises.GroupBy(e => e.CourseId))
        {
            var course = await courses.GetAsync(group.Key, cancellationToken);
            courseViews.Add(new CourseView(
                group.Key, course?.Title, course?.Modules.Sum(m => m.Exercises.Count) ?? group.Count(), group.Count(), group.Count(e => e.Completed),
                [.. group.Select(View)]));
        }

        var (current, longest) = ProgressRules.Streak(learner.CompletionDays, time.GetUtcNow());
        var threshold = recommendations.Value.MasteryThreshold;
        var concepts = (await mastery.MasteryAsync(userId, cancellationToken))
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new ConceptView(kv.Key, kv.Value, kv.Value >= threshold))
            .ToList();
        var summary = new Summary(
            learner.Exercises.Count,
            learner.Exercises.Count(e => e.Completed),
            learner.Exercises.Sum(e => e.Attempts),
            learner.Exercises.Count(e => e.Completed && e.HintsWhenCompleted == 0),
            current,
            longest,
            Math.Round(learner.Exercises.Sum(e => ProgressRules.TimeSpent(e, maxGap).TotalMinutes), 2),
            learner.LastActivityAt);
        return Results.Ok(new Response(userId, summary, courseViews, concepts, learner.Bookmarks));
    }
}
