using System.Security.Claims;
using LearningPlatform.ServiceDefaults.Auth;
using LearningPlatform.Services.Features.Catalog;

namespace LearningPlatform.Services.Features.Exercises;

/// <summary>An instructor of the exercise's course (or an admin) deletes it; it leaves its module too.</summary>
public static class DeleteExercise
{
    public static RouteHandlerBuilder MapDeleteExercise(this IEndpointRouteBuilder group) =>
        group.MapDelete("/{id}", HandleAsync)
            .RequireAuthorization(AuthExtensions.InstructorOrAdmin)
            .WithName("DeleteExercise")
            .WithSummary("Deletes an exercise and removes it from its course (instructors of the course and admins).");

    private static async Task<IResult> HandleAsync(
        string id, ClaimsPrincipal user, ExerciseStore store, CourseCatalog courses, ILogger<ExerciseStore> logger, CancellationToken cancellationToken)
    {
        if (await store.Exercises.GetAsync(id, cancellationToken) is not { } exercise)
        {
            return ExerciseProblems.NotFound(id);
        }

        if (!await ExerciseProblems.CanEditAsync(user, exercise.CourseId, courses, cancellationToken))
        {
            return CatalogProblems.NotAnInstructor(exercise.CourseId);
        }

        await store.Exercises.DeleteAsync(id, cancellationToken);
        await courses.DetachExerciseAsync(exercise.CourseId, id, cancellationToken);
        ExercisesLog.ExerciseDeleted(logger, id, user.UserId());
        return Results.NoContent();
    }
}
