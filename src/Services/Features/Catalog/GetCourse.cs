using LearningPlatform.Services.Features.Exercises;

namespace LearningPlatform.Services.Features.Catalog;

/// <summary>One course with its modules, ordered exercises and concept graph.</summary>
public static class GetCourse
{
    public static RouteHandlerBuilder MapGetCourse(this IEndpointRouteBuilder group) =>
        group.MapGet("/{id}", HandleAsync)
            .WithName("GetCourse")
            .WithSummary("One course with its modules, ordered exercises and concept graph.");

    private static async Task<IResult> HandleAsync(string id, CatalogStore store, IExerciseCatalog exercises, CancellationToken cancellationToken) =>
        await store.Courses.GetAsync(id, cancellationToken) is { } course
            ? Results.Ok(CourseResponse.From(course, await exercises.GradedAsync(id, cancellationToken)))
            : CatalogProblems.CourseNotFound(id);
}

public static class CatalogProblems
{
    public static IResult CourseNotFound(string id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Course not found", detail: $"There is no course '{id}'.");

    /// <summary>The client's version is not the stored one: someone else changed the document since it was read.</summary>
    public static IResult Stale(string what, string id) =>
        Results.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: "Changed by someone else",
            detail: $"The {what} '{id}' was changed since it was read; reload it and apply the change again.");

    public static IResult NotAnInstructor(string courseId) =>
        Results.Problem(
            statusCode: StatusCodes.Status403Forbidden,
            title: "Not an instructor of this course",
            detail: $"Only the instructors of course '{courseId}' and admins may change it.");
}
