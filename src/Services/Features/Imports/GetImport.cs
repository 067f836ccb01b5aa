using System.Security.Claims;
using LearningPlatform.Contracts;
using LearningPlatform.ServiceDefaults.Auth;
using LearningPlatform.Services.Features.Catalog;
using LearningPlatform.Storage;

namespace LearningPlatform.Services.Features.Imports;

/// <summary>An import's progress and outcome, per exercise: for whoever started it, the course's instructors and admins.</summary>
public static class GetImport
{
    public static IEndpointRouteBuilder MapGetImport(this IEndpointRouteBuilder group)
    {
        group.MapGet("/{id}", async (string id, ClaimsPrincipal user, ImportStore store, CourseCatalog courses, CancellationToken cancellationToken) =>
            await store.Imports.GetAsync(id, cancellationToken) is { } import && await MaySeeAsync(user, import, courses, cancellationToken)
                ? Results.Ok(ImportResponse.From(import))
                : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such import", detail: $"There is no import '{id}' you may see."))
            .RequireAuthorization(AuthExtensions.InstructorOrAdmin)
            .WithName("GetImport")
            .WithSummary("An import's status, its course and each exercise's outcome (imported, invalid with the reason, skipped).");

        group.MapGet("/", async (ClaimsPrincipal user, ImportStore store, CancellationToken cancellationToken) =>
            {
                var userId = user.UserId();
                var imports = user.IsInRole(Roles.Admin)
                    ? await store.Imports.FindAsync(i => i.Id != "", new FindOptions<Import> { SortBy = i => i.StartedAt, Descending = true, Limit = 50 }, cancellationToken)
                    : await store.Imports.FindAsync(i => i.RequestedBy == userId, new FindOptions<Import> { SortBy = i => i.StartedAt, Descending = true, Limit = 50 }, cancellationToken);
                return Results.Ok(imports.Select(ImportResponse.From));
            })
            .RequireAuthorization(AuthExtensions.InstructorOrAdmin)
            .WithName("ListImports")
            .WithSummary("The latest imports: all of them for admins, one's own for instructors.");
        return group;
    }

    private static async Task<bool> MaySeeAsync(ClaimsPrincipal user, Import import, CourseCatalog courses, CancellationToken cancellationToken) =>
        user.IsInRole(Roles.Admin) || import.RequestedBy == user.UserId()
        || (import.CourseId is not null && await courses.GetAsync(import.CourseId, cancellationToken) is { } course && CourseRules.CanEdit(user, course));
}
