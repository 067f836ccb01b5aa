using System.Security.Claims;
using LearningPlatform.ServiceDefaults.Auth;
using LearningPlatform.Services.Common;
using Microsoft.Extensions.Options;

namespace LearningPlatform.Services.Features.Catalog;

/// <summary>An instructor or admin creates a course; the creator becomes one of its instructors.</summary>
public static class CreateCourse
{
    public sealed record Request(
        string? Title,
        string? Summary,
        string? Difficulty,
        List<string>? Tags,
        List<string>? Languages,
        List<ConceptInput>? Concepts,
        List<ModuleInput>? Modules,
        List<string>? Instructors) : ICourseInput;

    public static RouteHandlerBuilder MapCreateCourse(this IEndpointRouteBuilder group) =>
        group.MapPost("/", HandleAsync)
            .RequireAuthorization(AuthExtensions.InstructorOrAdmin)
            .WithName("CreateCourse")
            .WithSummary("Creates a course; the creator becomes one of its instructors.");

    public static ValidationErrors Validate(Request request, CatalogOptions options)
    {
        var errors = new ValidationErrors();
        CourseRules.Validate(request, options, errors);
        var modules = request.Modules ?? [];
        for (var i = 0; i < modules.Count; i++)
        {
            // Exercises join a course by being created in one of its modules.
            if (modules[i]?.ExerciseIds is { Count: > 0 })
            {
                errors.Add($"modules[{i}].exerciseIds", "A new course has no exercises yet; create exercises in its modules.");
            }
        }

        return errors;
    }

    private static async Task<IResult> HandleAsync(
        Request request,
        ClaimsPrincipal user,
        CatalogStore store,
        IOptions<CatalogOptions> options,
        ILogger<CatalogStore> logger,
        CancellationToken cancellationToken)
    {
        var errors = Validate(request, options.Value);
        if (!errors.IsEmpty)
        {
            return Results.ValidationProblem(errors.ToDictionary());
        }

        var course = new Course
        {
            Id = Guid.NewGuid().ToString("N"),
            Modules = [.. (request.Modules ?? []).Select(m => new Module { Id = m.Id!, Title = m.Title!.Trim() })],
            Instructors = [.. (request.Instructors ?? []).Select(i => i.Trim()).Append(user.UserId()).Distinct()],
        };
        CourseRules.Apply(request, course);
        course.RefreshSearchText();
        await store.Courses.InsertAsync(course, cancellationToken);
        CatalogLog.CourseCreated(logger, course.Id, user.UserId());
        return Results.Created($"/api/courses/{course.Id}", CourseResponse.From(course, new HashSet<string>())); // no exercises yet
    }
}
