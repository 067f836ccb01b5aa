using System.Text.RegularExpressions;
using LearningPlatform.ServiceDefaults.Auth;
using LearningPlatform.ServiceDefaults.Events;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace LearningPlatform.Services.Features.Users;

/// <summary>
/// Changes to the caller's profile; absent (null) fields stay as they are. <see cref="Preferences"/> merges into the
/// stored map, a null value removes that key; <see cref="Skills"/> and <see cref="Interests"/> replace the lists.
/// </summary>
public sealed record UpdateMeRequest(
    string? DisplayName,
    Dictionary<string, string?>? Preferences,
    List<string>? Skills,
    List<string>? Interests);

public static class Me
{
    public static void MapMe(this IEndpointRouteBuilder users)
    {
        users.MapGet("/me", GetAsync)
            .WithName("GetMe")
            .WithSummary("The signed-in user's account.")
            .RequireAuthorization();
        users.MapPatch("/me", PatchAsync)
            .WithName("UpdateMe")
            .WithSummary("Changes the signed-in user's profile. Send If-Match with the ETag to refuse a lost update (412).")
            .RequireAuthorization();
    }

    internal static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> GetAsync(
        HttpContext http, UserCollections collections, CancellationToken cancellationToken)
    {
        var user = await collections.Users.GetAsync(http.User.UserId(), cancellationToken);
        if (user is null)
        {
            return UserProblems.NotFound();
        }

        http.Response.Headers.ETag = ETag(user);
        return TypedResults.Ok(user.ToResponse());
    }

    internal static async Task<Results<Ok<UserResponse>, ValidationProblem, ProblemHttpResult>> PatchAsync(
        UpdateMeRequest request,
        HttpContext http,
        UserCollections collections,
        IEventPublisher events,
        IOptions<ProfileOptions> profileOptions,
        TimeProvider time,
        ILogger<User> logger,
        CancellationToken cancellationToken)
    {
        var options = profileOptions.Value;
        var errors = new Dictionary<string, string[]>();
        var displayName = request.DisplayName is null ? null : ProfileValidation.DisplayName(request.DisplayName, options, errors);
        var skills = request.Skills is null ? null : ProfileValidation.Tags("skills", request.Skills, options, errors);
        var interests = request.Interests is null ? null : ProfileValidation.Tags("interests", request.Interests, options, errors);
        if (request.Preferences is not null)
        {
            ProfileValidation.PreferenceEntries(request.Preferences, options, errors);
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var ifMatch = http.Request.Headers.IfMatch.ToString();
        var preconditionFailed = false;
        var tooManyPreferences = false;
        var user = await collections.UpdateUserAsync(http.User.UserId(), user =>
        {
            // With If-Match the caller edited a version it saw: any other version means someone wrote in between.
            if (ifMatch.Length > 0 && ifMatch != "*" && ifMatch != ETag(user))
            {
                preconditionFailed = true;
                return false;
            }

            if (request.Preferences is not null)
            {
                var merged = new Dictionary<string, string>(user.Preferences, StringComparer.Ordinal);
                foreach (var (key, value) in request.Preferences)
                {
                    if (value is null)
                    {
                        merged.Remove(key);
                    }
                    else
                    {
                        merged[key] = value;
                    }
                }

                // Checked after the merge: the bound is on what is stored, not on one request.
                if (merged.Count > options.MaxPreferences)
                {
                    tooManyPreferences = true;
                    return false;
                }

                user.Preferences = merged;
            }

            tooManyPreferences = false;
            user.DisplayName = displayName ?? user.DisplayName;
            user.Skills = skills ?? user.Skills;
            user.Interests = interests ?? user.Interests;
            user.UpdatedAt = time.GetUtcNow();
            return true;
        }, cancellationToken);

        if (user is null)
        {
            return UserProblems.NotFound();
        }

        if (preconditionFailed)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status412PreconditionFailed,
                title: "Changed by someone else",
                detail: "The profile changed since the version given in If-Match; reload and try again.");
        }

        if (tooManyPreferences)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["preferences"] = [$"At most {options.MaxPreferences} preferences may be stored."],
            });
        }

        UsersLog.ProfileUpdated(logger, user.Id);
        await events.PublishAsync(user.ToUpdatedEvent(), cancellationToken: cancellationToken);
        http.Response.Headers.ETag = ETag(user);
        return TypedResults.Ok(user.ToResponse());
    }

    private static string ETag(User user) => $"\"{user.Version}\"";
}

internal static partial class ProfileValidation
{
    [GeneratedRegex("^[A-Za-z0-9_:-]+$")]
    private static partial Regex PreferenceKey();

    /// <summary>The trimmed display name when valid; otherwise adds an error and returns null.</summary>
    public static string? DisplayName(string? value, ProfileOptions options, Dictionary<string, string[]> errors)
    {
        var name = value?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            errors["displayName"] = ["Display name is required."];
            return null;
        }

        if (name.Length > options.MaxDisplayNameLength)
        {
            errors["displayName"] = [$"Display name must have at most {options.MaxDisplayNameLength} characters."];
            return null;
        }

        if (name.Any(char.IsControl))
        {
            errors["displayName"] = ["Display name must not contain control characters."];
            return null;
        }

        return name;
    }

    /// <summary>Trimmed, de-duplicated (ignoring case) tags when valid; otherwise adds an error and returns null.</summary>
    public static List<string>? Tags(string field, List<string> values, ProfileOptions options, Dictionary<string, string[]> errors)
    {
        if (values.Count > options.MaxTags)
        {
            errors[field] = [$"At most {options.MaxTags} entries."];
            return null;
        }

        var tags = new List<string>();
        foreach (var value in values)
        {
            var tag = value?.Trim();
            if (string.IsNullOrEmpty(tag) || tag.Length > options.MaxTagLength || tag.Any(char.IsControl))
            {
                errors[field] = [$"Each entry must have 1 to {options.MaxTagLength} characters and no control characters."];
                return null;
            }

            if (!tags.Contains(tag, StringComparer.OrdinalIgnoreCase))
            {
                tags.Add(tag);
            }
        }

        return tags;
    }

    public static void PreferenceEntries(Dictionary<string, string?> preferences, ProfileOptions options, Dictionary<string, string[]> errors)
    {
        if (preferences.Count > options.MaxPreferences)
        {
            errors["preferences"] = [$"At most {options.MaxPreferences} preferences may be stored."];
            return;
        }

        foreach (var (key, value) in preferences)
        {
            // Keys become field names in the store: letters, digits, '_', '-' and ':' are safe in both LiteDB and MongoDB.
            if (key.Length > options.MaxPreferenceKeyLength || !PreferenceKey().IsMatch(key))
            {
                errors["preferences"] = [$"Each key must have 1 to {options.MaxPreferenceKeyLength} characters of letters, digits, '_', '-', ':'."];
                return;
            }

            if (value is not null && value.Length > options.MaxPreferenceValueLength)
            {
                errors["preferences"] = [$"Each value must have at most {options.MaxPreferenceValueLength} characters."];
                return;
            }
        }
    }
}

internal static class UserProblems
{
    public static ProblemHttpResult NotFound() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "User not found", detail: "There is no user with this id.");

    // One message for an unknown email and a wrong password, so the answer does not tell which accounts exist.
    public static ProblemHttpResult BadCredentials() =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Login failed", detail: "Wrong email or password.");

    public static ProblemHttpResult Disabled() =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Account disabled", detail: "This account is disabled; ask an administrator.");
}
