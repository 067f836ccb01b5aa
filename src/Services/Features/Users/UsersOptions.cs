using System.ComponentModel.DataAnnotations;

namespace LearningPlatform.Services.Features.Users;

/// <summary>What a new password must look like.</summary>
public sealed class PasswordPolicyOptions
{
    public const string SectionName = "Users:PasswordPolicy";

    [Range(8, 128)]
    public int MinLength { get; set; } = 10;

    /// <summary>Upper bound so a huge "password" cannot make hashing a denial of service.</summary>
    [Range(16, 1024)]
    public int MaxLength { get; set; } = 128;

    /// <summary>Of lower case, upper case, digits and others, how many must appear (2: not all one class).</summary>
    [Range(1, 4)]
    public int MinCharacterClasses { get; set; } = 2;
}

/// <summary>Login lockout and token lifetimes.</summary>
public sealed class LoginOptions
{
    public const string SectionName = "Users:Login";

    /// <summary>Failed logins in a row that lock the account.</summary>
    [Range(1, 100)]
    public int MaxFailedAttempts { get; set; } = 5;

    /// <summary>How often Services looks whether Redis still holds the token generations (and reloads them if not).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan RevocationCheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(5);

    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);
}

/// <summary>Bounds of what a user may store in a profile.</summary>
public sealed class ProfileOptions
{
    public const string SectionName = "Users:Profile";

    [Range(1, 500)]
    public int MaxDisplayNameLength { get; set; } = 100;

    [Range(0, 1_000)]
    public int MaxPreferences { get; set; } = 50;

    [Range(1, 500)]
    public int MaxPreferenceKeyLength { get; set; } = 64;

    [Range(1, 10_000)]
    public int MaxPreferenceValueLength { get; set; } = 1_000;

    /// <summary>Most skills, and separately most interests.</summary>
    [Range(0, 1_000)]
    public int MaxTags { get; set; } = 50;

    [Range(1, 500)]
    public int MaxTagLength { get; set; } = 64;
}

/// <summary>Limits of the admin endpoints.</summary>
public sealed class UserAdminOptions
{
    public const string SectionName = "Users:Admin";

    [Range(1, 1_000)]
    public int DefaultPageSize { get; set; } = 20;

    [Range(1, 1_000)]
    public int MaxPageSize { get; set; } = 100;
}
