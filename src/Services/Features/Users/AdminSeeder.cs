using LearningPlatform.Contracts;
using LearningPlatform.Contracts.Events;
using LearningPlatform.ServiceDefaults.Events;
using LearningPlatform.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace LearningPlatform.Services.Features.Users;

/// <summary>
/// At start: creates the indexes and, when no admin exists, the first admin from <c>LP_ADMIN_EMAIL</c> /
/// <c>LP_ADMIN_PASSWORD</c>. Runs before the server listens, and is a no-op once an admin exists (restarts, replicas).
/// </summary>
public sealed class AdminSeeder(
    UserCollections collections,
    IConfiguration configuration,
    IPasswordHasher<User> hasher,
    IEventPublisher events,
    IOptions<PasswordPolicyOptions> passwordPolicy,
    IOptions<ProfileOptions> profile,
    TimeProvider time,
    ILogger<AdminSeeder> logger) : IHostedService
{
    public const string EmailKey = "LP_ADMIN_EMAIL";
    public const string PasswordKey = "LP_ADMIN_PASSWORD";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await collections.EnsureIndexesAsync(cancellationToken);
        if (await collections.Users.CountAsync(u => u.Roles.Contains(Roles.Admin), cancellationToken) > 0)
        {
            return;
        }

        var email = configuration[EmailKey];
        var password = configuration[PasswordKey];
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password))
        {
            UsersLog.AdminConfigMissing(logger);
            return;
        }

        var errors = new Dictionary<string, string[]>();
        var validEmail = Register.ValidateEmail(email, errors);
        Register.ValidatePassword(password, email, passwordPolicy.Value, errors);
        if (errors.Count > 0)
        {
            // Names the rules broken, never the values.
            UsersLog.AdminConfigInvalid(logger, string.Join(" ", errors.Values.SelectMany(v => v)));
            return;
        }

        var normalized = User.Normalize(validEmail!);
        var existing = (await collections.Users.FindAsync(u => u.EmailNormalized == normalized, cancellationToken: cancellationToken)).SingleOrDefault();
        if (existing is not null)
        {
            // The configured admin registered as a learner before: promote, keep the password they chose.
            var promoted = await collections.UpdateUserAsync(existing.Id, u =>
            {
                u.Roles = [.. u.Roles.Append(Roles.Admin).Distinct()];
                u.Disabled = false;
                u.UpdatedAt = time.GetUtcNow();
                return true;
            }, cancellationToken);
            UsersLog.AdminPromoted(logger, existing.Id);
            await events.PublishAsync(promoted!.ToUpdatedEvent(), cancellationToken: cancellationToken);
            return;
        }

        var displayName = ProfileValidation.DisplayName("Administrator", profile.Value, errors) ?? "Admin";
        var admin = Register.NewUser(validEmail!, displayName, [Roles.Admin], time.GetUtcNow());
        admin.PasswordHash = hasher.HashPassword(admin, password);
        try
        {
            await collections.Users.InsertAsync(admin, cancellationToken);
        }
        catch (DuplicateKeyException)
        {
            // Another replica seeded it at the same moment.
            return;
        }

        UsersLog.AdminSeeded(logger, admin.Id);
        await events.PublishAsync(new UserRegistered(admin.Id, admin.Email, admin.DisplayName, [.. admin.Roles]), cancellationToken: cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
