namespace LearningPlatform.Hub.Features.Gateway;

/// <summary>Logs of the gateway. Refusals are expected: the one that matters is logged once, the rest at Debug.</summary>
internal static partial class GatewayLog
{
    [LoggerMessage(EventId = 8001, Level = LogLevel.Warning,
        Message = "{Limit} failed sign-ins from {Address} within {Window}: its sign-ins are refused until fewer failed (credential stuffing or a misconfigured proxy in front of the Hub?)")]
    public static partial void SignInFailuresAtLimit(ILogger logger, string address, int limit, TimeSpan window);

    [LoggerMessage(EventId = 8002, Level = LogLevel.Debug, Message = "Sign-in from {Address} refused: too many failed sign-ins")]
    public static partial void SignInRefused(ILogger logger, string address);
}
