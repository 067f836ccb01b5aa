using System.Security.Claims;
using LearningPlatform.ServiceDefaults.Auth;
using LearningPlatform.Services.Common;
using LearningPlatform.Services.Features.Exercises;
using LearningPlatform.Storage;
using Microsoft.Extensions.Options;

namespace LearningPlatform.Services.Features.Catalog;

/// <summary>
/// An instructor of the course or an admin replaces its details, modules and module order. The client sends the
/// version it read; a stale one is a 409 and changes nothing.
/// </summary>
public static class UpdateCourse
{
    /// <summary>
    /// <see cref="ModuleInput.ExerciseIds"/> reorders or moves the course's exercises (null keeps a module's list);
    /// <see cref="Instructors"/> null keeps the instructors.
    /// </summary>
    public sealed record Request(
        long? Version,
        string? Title,
        string? Summary,
        string? Difficulty,
        List<string>? Tags,
        List<string>? Languages,
        List<ConceptInput>? Concepts,
        List<ModuleInput>? Modules,
        List<string>? Instructors) : ICourseInput;

    public static RouteHandlerBuilder MapUpdateCourse(this IEndpointRouteBuilder group) =>
        group.MapPut("/{id}", HandleAsync)
            .RequireAuthorization(AuthExtensions.InstructorOrAdmin)
            .WithName("UpdateCourse")
            .WithSummary("Replaces a course's details and module order (instructors of the course and admins).");

    private static async Task<IResult> HandleAsync(
        string id,
        Request request,
        ClaimsPrincipal user,
        CatalogStore store,
        IExerciseCatalog exercises,
        IOptions<CatalogOptions> options,
        ILogger<CatalogStore> logger,
        CancellationToken cancellationToken)
    {
        if (await store.Courses.GetAsync(id, cancellationToken) is not { } course)
        {
            return CatalogProblems.CourseNotFound(id);
        }

        if (!CourseRules.CanEdit(user, course))
        {
            return CatalogProblems.NotAnInstructor(id);
        }

        var errors = new ValidationErrors();
        if (request.Version is null)
        {
            errors.Add("version", "Required: the version of the course this change is based on.");
        }

        CourseRules.Validate(request, options.Value, errors);
        var modules = errors.IsEmpty ? ArrangeModules(course, request.Modules ?? [], errors) : null;
        if (!errors.IsEmpty)
        {
            return Results.ValidationProblem(errors.ToDictionary());
        }

        CourseRules.Apply(request, course);
        course.Modules = modules!;
        if (request.Instructors is { } instructors)
        {
            course.Instructors = [.. instructors.Select(i => i.Trim()).Distinct()];
        }

        course.RefreshSearchText();
        course.Version = request.Version!.Value;
        // Mapped here rather than left to the storage exception handler: a stale version is an expected answer.
        try
        {
            await store.Courses.ReplaceAsync(course, cancellationToken);
        }
        catch (ConcurrencyException)
        {
            return CatalogProblems.Stale("course", id);
        }
        catch (DocumentNotFoundException)
        {
            return CatalogProblems.CourseNotFound(id);
        }

        CatalogLog.CourseUpdated(logger, course.Id, course.Version, user.UserId());
        return Results.Ok(CourseResponse.From(course, await exercises.GradedAsync(id, cancellationToken)));
    }

    /// <summary>
    /// The new modules, holding exactly the exercises the course has now: exercises join by being created and leave
    /// by being deleted, so an update may only reorder them or move them between modules.
    /// </summary>
    private static List<Module> ArrangeModules(Course course, List<ModuleInput> inputs, ValidationErrors errors)
    {
        var existing = course.Modules.SelectMany(m => m.Exercises).ToDictionary(e => e.Id, StringComparer.Ordinal);
        var placed = new HashSet<string>(StringComparer.Ordinal);
        var modules = new List<Module>();
        for (var i = 0; i < inputs.Count; i++)
        {
            var input = inputs[i];
            var ids = input.ExerciseIds ?? course.Modules.FirstOrDefault(m => m.Id == input.Id)?.Exercises.Select(e => e.Id).ToList() ?? [];
            var module = new Module { Id = input.Id!, Title = input.Title!.Trim() };
            for (var j = 0; j < ids.Count; j++)
            {
                if (ids[j] is null || !existing.TryGetValue(ids[j], out var exercise))
                {
                    errors.Add($"modules[{i}].exerciseIds[{j}]", $"Exercise '{ids[j]}' is not in this course; create it in a module instead.");
                }
                else if (!placed.Add(exercise.Id))
                {
                    errors.Add($"modules[{i}].exerciseIds[{j}]", $"Exercise '{exercise.Id}' appears twice.");
                }
                else
                {
                    module.Exercises.Add(exercise);
                }
            }

            modules.Add(module);
        }

        var missing = existing.Keys.Where(id => !placed.Contains(id)).ToList();
        if (missing.Count > 0)
        {
            errors.Add("modules", $"Every exercise of the course needs a module (delete an exercise to remove it): missing {string.Join(", ", missing)}.");
        }

        return modules;
    }
}
