namespace LearningPlatform.Contracts.Events;

/// <summary>A new account was registered.</summary>
public sealed record UserRegistered(string UserId, string Email, string DisplayName, IReadOnlyList<string> Roles) : IIntegrationEvent
{
    /// <inheritdoc />
    public static string EventType => "user-registered";
}

/// <summary>An account's profile, roles or status changed; carries the account's state after the change.</summary>
public sealed record UserUpdated(
    string UserId,
    string DisplayName,
    IReadOnlyList<string> Roles,
    bool Disabled,
    IReadOnlyList<string> Skills,
    IReadOnlyList<string> Interests) : IIntegrationEvent
{
    /// <inheritdoc />
    public static string EventType => "user-updated";
}
