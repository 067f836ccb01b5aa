using System.Security.Claims;
using LearningPlatform.Contracts;
using LearningPlatform.ServiceDefaults.Auth;
using LearningPlatform.Services.Features.Catalog;
using LearningPlatform.Services.Features.Feedback;

namespace LearningPlatform.Services.Features.Exercises;

/// <summary>
/// An exercise as a learner sees it (any signed-in user), and in full, hidden checks and solution included
/// (instructors of its course and admins).
/// </summary>
public static class GetExercise
{
    public static void MapGetExercise(this IEndpointRouteBuilder group)
    {
        group.MapGet("/{id}", GetViewAsync)
            .WithName("GetExercise")
            .WithSummary("The exercise as a learner sees it: hidden checks by number and description only, no solution, the hints released so far.");
        group.MapGet("/{id}/full", GetDetailsAsync)
            .RequireAuthorization(AuthExtensions.InstructorOrAdmin)
            .WithName("GetExerciseDetails")
            .WithSummary("The whole exercise, hidden checks and solution included (instructors of its course and admins).");
    }

    private static async Task<IResult> GetViewAsync(string id, ClaimsPrincipal user, ExerciseStore store, IHintLedger hints, CancellationToken cancellationToken) =>
        await store.Exercises.GetAsync(id, cancellationToken) is { } exercise
            ? Results.Ok(ExerciseView.From(exercise, await hints.RevealedAsync(user.UserId(), exercise.Id, cancellationToken)))
            : ExerciseProblems.NotFound(id);

    private static async Task<IResult> GetDetailsAsync(
        string id, ClaimsPrincipal user, ExerciseStore store, CourseCatalog courses, CancellationToken cancellationToken)
    {
        if (await store.Exercises.GetAsync(id, cancellationToken) is not { } exercise)
        {
            return ExerciseProblems.NotFound(id);
        }

        return await ExerciseProblems.CanEditAsync(user, exercise.CourseId, courses, cancellationToken)
            ? Results.Ok(ExerciseDetails.From(exercise))
            : CatalogProblems.NotAnInstructor(exercise.CourseId);
    }
}

public static class ExerciseProblems
{
    public static IResult NotFound(string id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Exercise not found", detail: $"There is no exercise '{id}'.");

    /// <summary>Instructors of the course and admins; only admins when the course is gone.</summary>
    public static async Task<bool> CanEditAsync(ClaimsPrincipal user, string courseId, CourseCatalog courses, CancellationToken cancellationToken) =>
        user.IsInRole(Roles.Admin)
        || (await courses.GetAsync(courseId, cancellationToken) is { } course && CourseRules.CanEdit(user, course));
}
