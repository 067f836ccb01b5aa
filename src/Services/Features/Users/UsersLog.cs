namespace LearningPlatform.Services.Features.Users;

/// <summary>Logs of the users feature. Ids only: never emails, passwords, hashes or tokens.</summary>
internal static partial class UsersLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "User {UserId} registered")]
    public static partial void Registered(ILogger logger, string userId);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Login failed for user {UserId} ({FailedLogins} in a row)")]
    public static partial void LoginFailed(ILogger logger, string userId, int failedLogins);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "User {UserId} locked out until {LockedUntil}")]
    public static partial void LockedOut(ILogger logger, string userId, DateTimeOffset lockedUntil);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Login failed for an unknown email")]
    public static partial void LoginUnknownEmail(ILogger logger);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "User {UserId} logged in")]
    public static partial void LoggedIn(ILogger logger, string userId);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "Refresh token reused for user {UserId}: family {FamilyId} revoked")]
    public static partial void RefreshTokenReused(ILogger logger, string userId, string familyId);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Information, Message = "Refresh token family {FamilyId} of user {UserId} revoked ({Reason})")]
    public static partial void FamilyRevoked(ILogger logger, string userId, string familyId, string reason);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Information, Message = "Admin {AdminId} set roles of user {UserId} to {Roles}")]
    public static partial void RolesChanged(ILogger logger, string adminId, string userId, string roles);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Information, Message = "Admin {AdminId} {Action} user {UserId}")]
    public static partial void StatusChanged(ILogger logger, string adminId, string action, string userId);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Information, Message = "User {UserId} updated their profile")]
    public static partial void ProfileUpdated(ILogger logger, string userId);

    [LoggerMessage(EventId = 2020, Level = LogLevel.Information, Message = "Initial admin {UserId} created from configuration")]
    public static partial void AdminSeeded(ILogger logger, string userId);

    [LoggerMessage(EventId = 2021, Level = LogLevel.Information, Message = "Existing user {UserId} made the initial admin from configuration")]
    public static partial void AdminPromoted(ILogger logger, string userId);

    [LoggerMessage(EventId = 2022, Level = LogLevel.Warning, Message = "No admin exists and LP_ADMIN_EMAIL / LP_ADMIN_PASSWORD are not set: nobody can administer users")]
    public static partial void AdminConfigMissing(ILogger logger);

    [LoggerMessage(EventId = 2023, Level = LogLevel.Error, Message = "No admin created: the configured LP_ADMIN_EMAIL or LP_ADMIN_PASSWORD is invalid ({Problems})")]
    public static partial void AdminConfigInvalid(ILogger logger, string problems);
}
