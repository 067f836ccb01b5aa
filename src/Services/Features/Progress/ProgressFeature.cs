using LearningPlatform.Contracts.Events;
using LearningPlatform.ServiceDefaults;
using LearningPlatform.ServiceDefaults.Events;

namespace LearningPlatform.Services.Features.Progress;

/// <summary>
/// Learners' progress from judged submissions (<see cref="SubmissionEvaluated"/>): attempts, scores, completion,
/// hints, time spent, streaks, bookmarks; per-concept mastery from Recommendations; course overviews for instructors.
/// </summary>
public static class ProgressFeature
{
    public static IHostApplicationBuilder AddProgress(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<ProgressOptions>(ProgressOptions.SectionName);
        builder.Services.AddSingleton<ProgressStore>();
        builder.Services.AddEventHandler<SubmissionEvaluated, RecordSubmission>();
        return builder;
    }

    public static IEndpointRouteBuilder MapProgress(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/progress").WithTags("Progress").RequireAuthorization();
        group.MapGetMyProgress();
        group.MapBookmarks();
        group.MapCourseOverview();
        return api;
    }
}
