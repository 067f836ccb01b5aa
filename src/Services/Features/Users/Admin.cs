using LearningPlatform.Contracts;
using LearningPlatform.ServiceDefaults.Auth;
using LearningPlatform.ServiceDefaults.Events;
using LearningPlatform.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace LearningPlatform.Services.Features.Users;

public sealed record SetRolesRequest(List<string>? Roles);

public sealed record UserPage(IReadOnlyList<UserResponse> Items, int Page, int PageSize, long Total);

/// <summary>User administration; every route needs <see cref="AuthExtensions.AdminOnly"/>.</summary>
public static class Admin
{
    public static void MapAdmin(this IEndpointRouteBuilder users)
    {
        var admin = users.MapGroup("").RequireAuthorization(AuthExtensions.AdminOnly);
        admin.MapGet("/", ListAsync).WithName("ListUsers").WithSummary("Pages through all users, oldest first.");
        admin.MapGet("/{id}", GetAsync).WithName("GetUser").WithSummary("One user.");
        admin.MapPut("/{id}/roles", SetRolesAsync).WithName("SetUserRoles")
            .WithSummary("Replaces the user's roles; their current tokens stop working.");
        admin.MapPost("/{id}/disable", (string id, HttpContext http, UserAdminServices s, CancellationToken ct) => SetDisabledAsync(id, true, http, s, ct))
            .WithName("DisableUser").WithSummary("Disables the account; its tokens stop working at once.");
        admin.MapPost("/{id}/enable", (string id, HttpContext http, UserAdminServices s, CancellationToken ct) => SetDisabledAsync(id, false, http, s, ct))
            .WithName("EnableUser").WithSummary("Enables a disabled account (and lifts a lockout).");
    }

    internal static async Task<Results<Ok<UserPage>, ValidationProblem>> ListAsync(
        UserCollections collections, IOptions<UserAdminOptions> adminOptions, CancellationToken cancellationToken, int? page = null, int? pageSize = null)
    {
        var options = adminOptions.Value;
        var errors = new Dictionary<string, string[]>();
        if (page is < 1)
        {
            errors["page"] = ["Page starts at 1."];
        }

        if (pageSize is < 1 || pageSize > options.MaxPageSize)
        {
            errors["pageSize"] = [$"Page size must be between 1 and {options.MaxPageSize}."];
        }

        var size = pageSize ?? options.DefaultPageSize;
        var number = page ?? 1;
        // Skip is an int: a page far beyond any data is empty, not an overflow.
        if (errors.Count == 0 && (long)(number - 1) * size > int.MaxValue)
        {
            errors["page"] = ["Page is too large."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var total = await collections.Users.CountAsync(_ => true, cancellationToken);
        var users = await collections.Users.FindAsync(
            _ => true, new FindOptions<User> { SortBy = u => u.Id, Skip = (number - 1) * size, Limit = size }, cancellationToken);
        return TypedResults.Ok(new UserPage([.. users.Select(u => u.ToResponse())], number, size, total));
    }

    internal static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> GetAsync(
        string id, UserCollections collections, CancellationToken cancellationToken) =>
        await collections.Users.GetAsync(id, cancellationToken) is { } user
            ? TypedResults.Ok(user.ToResponse())
            : UserProblems.NotFound();

    internal static async Task<Results<Ok<UserResponse>, ValidationProblem, ProblemHttpResult>> SetRolesAsync(
        string id, SetRolesRequest request, HttpContext http, UserAdminServices services, CancellationToken cancellationToken)
    {
        var roles = request.Roles?.Select(r => r?.Trim() ?? "").Distinct(StringComparer.Ordinal).ToList();
        if (roles is null || roles.Count == 0 || roles.Any(r => !Roles.All.Contains(r)))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["roles"] = [$"Give one or more of: {string.Join(", ", Roles.All)}."],
            });
        }

        var adminId = http.User.UserId();
        // An admin cannot demote themselves: the platform must not lose its last admin by a slip.
        if (id == adminId && !roles.Contains(Roles.Admin))
        {
            return SelfLockout("remove your own admin role");
        }

        var changed = false;
        var user = await services.Collections.UpdateUserAsync(id, u =>
        {
            changed = !u.Roles.Order().SequenceEqual(roles.Order());
            u.Roles = [.. roles];
            u.TokenGeneration += changed ? 1 : 0;
            u.UpdatedAt = services.Time.GetUtcNow();
            return changed;
        }, cancellationToken);
        if (user is null)
        {
            return UserProblems.NotFound();
        }

        if (changed)
        {
            // Saved first, revoked second: a token issued in between already carries the new roles.
            await services.Tokens.RevokeAllAsync(user, "roles changed", cancellationToken);
            UsersLog.RolesChanged(services.Logger, adminId, user.Id, string.Join(",", roles));
            await services.Events.PublishAsync(user.ToUpdatedEvent(), cancellationToken: cancellationToken);
        }

        return TypedResults.Ok(user.ToResponse());
    }

    internal static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> SetDisabledAsync(
        string id, bool disabled, HttpContext http, UserAdminServices services, CancellationToken cancellationToken)
    {
        var adminId = http.User.UserId();
        if (disabled && id == adminId)
        {
            return SelfLockout("disable your own account");
        }

        var changed = false;
        var user = await services.Collections.UpdateUserAsync(id, u =>
        {
            changed = u.Disabled != disabled || (!disabled && u.LockedUntil is not null);
            u.Disabled = disabled;
            // Raised with the change itself: the revocation holds even if Redis loses it before it is cached.
            u.TokenGeneration += disabled ? 1 : 0;
            if (!disabled)
            {
                u.FailedLogins = 0;
                u.LockedUntil = null;
            }

            u.UpdatedAt = services.Time.GetUtcNow();
            return changed || disabled; // disabling again raises the generation again: harmless, closes any gap
        }, cancellationToken);
        if (user is null)
        {
            return UserProblems.NotFound();
        }

        if (disabled)
        {
            // Also when it was disabled already: revoking again is harmless and closes any gap of an earlier attempt.
            await services.Tokens.RevokeAllAsync(user, "account disabled", cancellationToken);
        }

        if (changed)
        {
            UsersLog.StatusChanged(services.Logger, adminId, disabled ? "disabled" : "enabled", user.Id);
            await services.Events.PublishAsync(user.ToUpdatedEvent(), cancellationToken: cancellationToken);
        }

        return TypedResults.Ok(user.ToResponse());
    }

    private static ProblemHttpResult SelfLockout(string what) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: "Not allowed on your own account",
            detail: $"You cannot {what}; ask another admin.");
}

/// <summary>What the admin handlers need, in one parameter.</summary>
public sealed class UserAdminServices(
    UserCollections collections, TokenService tokens, IEventPublisher events, TimeProvider time, ILogger<UserAdminServices> logger)
{
    public UserCollections Collections { get; } = collections;

    public TokenService Tokens { get; } = tokens;

    public IEventPublisher Events { get; } = events;

    public TimeProvider Time { get; } = time;

    public ILogger Logger { get; } = logger;
}
