using LearningPlatform.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.Extensions.Options;

namespace LearningPlatform.Services.Features.Users;

public sealed record RefreshRequest(string? RefreshToken);

public static class Refresh
{
    public static void MapRefresh(this IEndpointRouteBuilder auth)
    {
        auth.MapPost("/refresh", RefreshAsync)
            .WithName("RefreshToken")
            .WithSummary("Exchanges a refresh token (in the body, or the cookie login set with ?useCookies=true) for a new pair; the old refresh token is used up. A token from the cookie is answered with a new cookie, and needs the X-Requested-With header.")
            .AllowAnonymous();
        auth.MapDelete("/refresh", SignOutAsync)
            .WithName("SignOut")
            .WithSummary("Revokes the refresh token (the cookie's, or one in the body) and every token rotated from the same login, and clears the cookie: the browser client's sign-out.")
            .AllowAnonymous();
        auth.MapPost("/logout", LogoutAsync)
            .WithName("Logout")
            .WithSummary("Revokes the refresh token and every token rotated from the same login.")
            .AllowAnonymous();
    }

    internal static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> RefreshAsync(
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] RefreshRequest? request,
        bool? useCookies,
        HttpContext http,
        UserCollections collections,
        TokenService tokens,
        IOptions<LoginOptions> loginOptions,
        TimeProvider time,
        ILogger<User> logger,
        CancellationToken cancellationToken)
    {
        var (presented, fromCookie) = RefreshCookie.Presented(http, request);
        if (fromCookie && !RefreshCookie.HasCsrfHeader(http))
        {
            return RefreshCookie.CsrfRefused();
        }

        var result = await RotateAsync(presented, collections, tokens, time, logger, cancellationToken);
        if (result is not TokenResponse issued)
        {
            if (fromCookie)
            {
                // a dead cookie is not sent again
                RefreshCookie.Clear(http);
            }

            return InvalidRefreshToken();
        }

        if (fromCookie || useCookies == true)
        {
            RefreshCookie.Set(http, issued.RefreshToken!, loginOptions.Value.RefreshTokenLifetime);
            issued = issued with { RefreshToken = null };
        }

        return TypedResults.Ok(issued);
    }

    private static async Task<TokenResponse?> RotateAsync(
        string? presented,
        UserCollections collections,
        TokenService tokens,
        TimeProvider time,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(presented))
        {
            return null;
        }

        var token = await tokens.FindAsync(presented, cancellationToken);
        if (token is null)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var family = await collections.Families.GetAsync(token.FamilyId, cancellationToken);
        if (family is null || family.RevokedAt is not null || token.ExpiresAt <= now)
        {
            return null;
        }

        if (token.UsedAt is not null)
        {
            await RevokeOnReuseAsync(tokens, token, logger, cancellationToken);
            return null;
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
            return null;
        }

        // Roles and status come from the account now, not from the login: a change shows in the next access token.
        var user = await collections.Users.GetAsync(token.UserId, cancellationToken);
        if (user is null || user.Disabled)
        {
            await tokens.RevokeFamilyAsync(token.FamilyId, "account disabled", cancellationToken);
            return null;
        }

        return await tokens.IssueAsync(user, token.FamilyId, cancellationToken);
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> SignOutAsync(
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] RefreshRequest? request,
        HttpContext http,
        TokenService tokens,
        CancellationToken cancellationToken)
    {
        var (presented, fromCookie) = RefreshCookie.Presented(http, request);
        if (fromCookie && !RefreshCookie.HasCsrfHeader(http))
        {
            return RefreshCookie.CsrfRefused();
        }

        await RevokeAsync(presented, tokens, cancellationToken);
        RefreshCookie.Clear(http);
        return TypedResults.NoContent();
    }

    internal static async Task<NoContent> LogoutAsync(RefreshRequest request, TokenService tokens, CancellationToken cancellationToken)
    {
        await RevokeAsync(request.RefreshToken, tokens, cancellationToken);
        return TypedResults.NoContent();
    }

    // Unknown or already revoked tokens answer the same: signing out twice is not an error.
    private static async Task RevokeAsync(string? refreshToken, TokenService tokens, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(refreshToken) && await tokens.FindAsync(refreshToken, cancellationToken) is { } token)
        {
            await tokens.RevokeFamilyAsync(token.FamilyId, "logout", cancellationToken);
        }
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
