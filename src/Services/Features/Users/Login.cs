using LearningPlatform.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace LearningPlatform.Services.Features.Users;

public sealed record LoginRequest(string? Email, string? Password);

public static class Login
{
    public static RouteHandlerBuilder MapLogin(this IEndpointRouteBuilder auth) =>
        auth.MapPost("/login", HandleAsync)
            .WithName("Login")
            .WithSummary("Exchanges email and password for an access token and a refresh token; with ?useCookies=true the refresh token comes as an HttpOnly cookie for the refresh path instead of in the body (browsers).")
            .AllowAnonymous();

    internal static async Task<Results<Ok<TokenResponse>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        LoginRequest request,
        bool? useCookies,
        UserCollections collections,
        IPasswordHasher<User> hasher,
        TokenService tokens,
        IOptions<LoginOptions> loginOptions,
        IOptions<PasswordPolicyOptions> passwordPolicy,
        TimeProvider time,
        HttpContext http,
        ILogger<User> logger,
        CancellationToken cancellationToken)
    {
        var options = loginOptions.Value;
        var email = request.Email?.Trim() ?? "";
        var password = request.Password ?? "";
        // A missing field is the caller's slip, said per field; a wrong email or password is never said per field.
        var errors = new Dictionary<string, string[]>();
        if (email.Length == 0)
        {
            errors["email"] = ["Email is required."];
        }

        if (password.Length == 0)
        {
            errors["password"] = ["Password is required."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var normalized = User.Normalize(email);
        var found = normalized.Length == 0
            ? null
            : (await collections.Users.FindAsync(u => u.EmailNormalized == normalized, cancellationToken: cancellationToken)).SingleOrDefault();
        if (found is null)
        {
            // Hash anyway so an unknown email takes as long as a wrong password and does not reveal itself.
            hasher.VerifyHashedPassword(DummyUser, DummyHash, password);
            UsersLog.LoginUnknownEmail(logger);
            return UserProblems.BadCredentials();
        }

        var now = time.GetUtcNow();
        if (found.LockedUntil is { } lockedUntil && lockedUntil > now)
        {
            return Locked(http, lockedUntil, now);
        }

        // No password longer than the policy allows was ever set: refuse it without spending a hash on it.
        var verification = password.Length == 0 || password.Length > passwordPolicy.Value.MaxLength
            ? PasswordVerificationResult.Failed
            : hasher.VerifyHashedPassword(found, found.PasswordHash, password);
        if (verification == PasswordVerificationResult.Failed)
        {
            var lockedOut = false;
            var user = await collections.UpdateUserAsync(found.Id, u =>
            {
                // An expired lockout starts a new count.
                if (u.LockedUntil is { } until && until <= now)
                {
                    u.LockedUntil = null;
                    u.FailedLogins = 0;
                }

                u.FailedLogins++;
                lockedOut = u.FailedLogins >= options.MaxFailedAttempts;
                if (lockedOut)
                {
                    u.LockedUntil = now + options.LockoutDuration;
                    u.FailedLogins = 0;
                }

                return true;
            }, cancellationToken);
            if (user is not null && lockedOut)
            {
                UsersLog.LockedOut(logger, user.Id, user.LockedUntil!.Value);
                return Locked(http, user.LockedUntil.Value, now);
            }

            UsersLog.LoginFailed(logger, found.Id, user?.FailedLogins ?? 0);
            return UserProblems.BadCredentials();
        }

        // Told only to whoever knows the password: it does not help guessing.
        if (found.Disabled)
        {
            return UserProblems.Disabled();
        }

        var signedIn = await collections.UpdateUserAsync(found.Id, u =>
        {
            var changed = u.FailedLogins != 0 || u.LockedUntil is not null;
            u.FailedLogins = 0;
            u.LockedUntil = null;
            if (verification == PasswordVerificationResult.SuccessRehashNeeded)
            {
                u.PasswordHash = hasher.HashPassword(u, password);
                changed = true;
            }

            return changed;
        }, cancellationToken);
        if (signedIn is null)
        {
            return UserProblems.BadCredentials();
        }

        UsersLog.LoggedIn(logger, signedIn.Id);
        var issued = await tokens.IssueAsync(signedIn, familyId: null, cancellationToken);
        if (useCookies == true)
        {
            RefreshCookie.Set(http, issued.RefreshToken!, options.RefreshTokenLifetime);
            issued = issued with { RefreshToken = null };
        }

        return TypedResults.Ok(issued);
    }

    private static ProblemHttpResult Locked(HttpContext http, DateTimeOffset until, DateTimeOffset now)
    {
        var seconds = (int)Math.Ceiling((until - now).TotalSeconds);
        http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(
            statusCode: StatusCodes.Status423Locked,
            title: "Account locked",
            detail: $"Too many failed logins. Try again in {seconds} seconds.",
            extensions: new Dictionary<string, object?> { ["lockedUntil"] = until });
    }

    private static readonly User DummyUser = new();

    private static readonly string DummyHash = new PasswordHasher<User>().HashPassword(DummyUser, Guid.NewGuid().ToString());
}
