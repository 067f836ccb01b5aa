using Microsoft.AspNetCore.Http.HttpResults;
using LearningPlatform.Storage;

namespace LearningPlatform.Services.Features.Users;

public sealed record RefreshRequest(string? RefreshToken);

public static class Refresh
{
    public static void MapRefresh(this IEndpointRouteBuilder auth)
    {
        auth.MapPost("/refresh", RefreshAsync)
            .WithName("RefreshToken")
            .WithSummary("Exchanges a refresh token for a new pair; the old refresh token is used up.")
            .AllowAnonymous();
        auth.MapPost("/logout", LogoutAsync)
            .WithName("Logout")
            .WithSummary("Revokes the refresh token and every token rotated from the same login.")
            .AllowAnonymous();
    }

    internal static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> RefreshAsync(
        RefreshRequest request,
        UserCollections collections,
        TokenService tokens,
        TimeProvider time,
        ILogger<User> logger,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.RefreshToken))
        {
            return InvalidRefreshToken();
        }

        var token = await tokens.FindAsync(request.RefreshToken, cancellationToken);
        if (token is null)
        {
            return InvalidRefreshToken();
        }

        var now = time.GetUtcNow();
        var family = await collections.Families.GetAsync(token.FamilyId, cancellationToken);
        if (family is null || family.RevokedAt is not null || token.ExpiresAt <= now)
        {
            return InvalidRefreshToken();
        }

        if (token.UsedAt is not null)
        {
            await RevokeOnReuseAsync(tokens, token, logger, cancellationToken);
            return InvalidRefreshToken();
        }

        // Mark used with the version check: of two requests racing with the same token, exactly one wins; the other
        // is a reuse like any other.
        token.UsedAt = now;
        try
        {
            await collections.RefreshTokens.ReplaceAsync(token, cancellationToken);
        }
        catch (ConcurrencyException)
        {
            await RevokeOnReuseAsync(tokens, token, logger, cancellationToken);
            return InvalidRefreshToken();
        }

        // Roles and status come from the account now, not from the login: a change shows in the next access token.
        var user = await collections.Users.GetAsync(token.UserId, cancellationToken);
        if (user is null || user.Disabled)
        {
            await tokens.RevokeFamilyAsync(token.FamilyId, "account disabled", cancellationToken);
            return InvalidRefreshToken();
        }

        return TypedResults.Ok(await tokens.IssueAsync(user, token.FamilyId, cancellationToken));
    }

    internal static async Task<NoContent> LogoutAsync(RefreshRequest request, TokenService tokens, CancellationToken cancellationToken)
    {
        // Unknown or already revoked tokens answer the same: logging out twice is not an error.
        if (!string.IsNullOrEmpty(request.RefreshToken) && await tokens.FindAsync(request.RefreshToken, cancellationToken) is { } token)
        {
            await tokens.RevokeFamilyAsync(token.FamilyId, "logout", cancellationToken);
        }

        return TypedResults.NoContent();
    }

    private static async Task RevokeOnReuseAsync(TokenService tokens, RefreshToken token, ILogger logger, CancellationToken cancellationToken)
    {
        UsersLog.RefreshTokenReused(logger, token.UserId, token.FamilyId);
        await tokens.RevokeFamilyAsync(token.FamilyId, "refresh token reused", cancellationToken);
    }

    private static ProblemHttpResult InvalidRefreshToken() =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status401Unauthorized,
            title: "Invalid refresh token",
            detail: "The refresh token is unknown, expired, used or revoked; log in again.");
}
