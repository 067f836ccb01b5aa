using System.Net.Mail;
using LearningPlatform.Contracts;
using LearningPlatform.Contracts.Events;
using LearningPlatform.ServiceDefaults.Events;
using LearningPlatform.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace LearningPlatform.Services.Features.Users;

public sealed record RegisterRequest(string? Email, string? Password, string? DisplayName);

public static class Register
{
    // RFC 5321 caps a forward path at 256 octets including the angle brackets.
    private const int MaxEmailLength = 254;

    public static RouteHandlerBuilder MapRegister(this IEndpointRouteBuilder auth) =>
        auth.MapPost("/register", HandleAsync)
            .WithName("Register")
            .WithSummary("Creates an account (role learner).")
            .AllowAnonymous();

    internal static async Task<Results<Created<UserResponse>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        RegisterRequest request,
        UserCollections collections,
        IPasswordHasher<User> hasher,
        IEventPublisher events,
        IOptions<PasswordPolicyOptions> passwordPolicy,
        IOptions<ProfileOptions> profile,
        TimeProvider time,
        ILogger<User> logger,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var email = ValidateEmail(request.Email, errors);
        ValidatePassword(request.Password, request.Email, passwordPolicy.Value, errors);
        var displayName = ProfileValidation.DisplayName(request.DisplayName, profile.Value, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var user = NewUser(email!, displayName!, [Roles.Learner], time.GetUtcNow());
        user.PasswordHash = hasher.HashPassword(user, request.Password!);
        try
        {
            await collections.Users.InsertAsync(user, cancellationToken);
        }
        catch (DuplicateKeyException)
        {
            // The field's error too, so that a form can show it next to the email.
            const string Detail = "An account with this email address already exists.";
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Email already registered",
                detail: Detail,
                extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["email"] = [Detail] } });
        }

        UsersLog.Registered(logger, user.Id);
        await events.PublishAsync(new UserRegistered(user.Id, user.Email, user.DisplayName, [.. user.Roles]), cancellationToken: cancellationToken);
        return TypedResults.Created($"/api/users/{user.Id}", user.ToResponse());
    }

    internal static User NewUser(string email, string displayName, List<string> roles, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7().ToString("N"),
        Email = email,
        EmailNormalized = User.Normalize(email),
        DisplayName = displayName,
        Roles = roles,
        CreatedAt = now,
        UpdatedAt = now,
    };

    /// <summary>The trimmed address when valid; otherwise adds an error and returns null.</summary>
    internal static string? ValidateEmail(string? value, Dictionary<string, string[]> errors)
    {
        var email = value?.Trim();
        if (string.IsNullOrEmpty(email))
        {
            errors["email"] = ["Email is required."];
            return null;
        }

        // MailAddress also accepts display-name forms ("Bob <bob@x>"); only a bare address that round-trips counts.
        if (email.Length > MaxEmailLength
            || !MailAddress.TryCreate(email, out var address)
            || address.Address != email
            || !address.Host.Contains('.', StringComparison.Ordinal))
        {
            errors["email"] = ["Email is not a valid address."];
            return null;
        }

        return email;
    }

    internal static void ValidatePassword(string? password, string? email, PasswordPolicyOptions policy, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(password))
        {
            errors["password"] = ["Password is required."];
            return;
        }

        var problems = new List<string>();
        if (password.Length < policy.MinLength)
        {
            problems.Add($"Password must have at least {policy.MinLength} characters.");
        }

        if (password.Length > policy.MaxLength)
        {
            problems.Add($"Password must have at most {policy.MaxLength} characters.");
        }

        var classes = (password.Any(char.IsLower) ? 1 : 0)
            + (password.Any(char.IsUpper) ? 1 : 0)
            + (password.Any(char.IsDigit) ? 1 : 0)
            + (password.Any(c => !char.IsLetterOrDigit(c)) ? 1 : 0);
        if (classes < policy.MinCharacterClasses)
        {
            problems.Add($"Password must mix at least {policy.MinCharacterClasses} of: lower case, upper case, digits, other characters.");
        }

        if (email is not null && string.Equals(password.Trim(), email.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            problems.Add("Password must not be the email address.");
        }

        if (problems.Count > 0)
        {
            errors["password"] = [.. problems];
        }
    }
}
