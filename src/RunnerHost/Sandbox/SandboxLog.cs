using Microsoft.Extensions.Logging;

namespace LearningPlatform.RunnerHost.Sandbox;

internal static partial class SandboxLog
{
    [LoggerMessage(1000, LogLevel.Debug, "Created sandbox {ContainerId} for {Language} (warm pool: {Pooled}) in {ElapsedMs} ms")]
    public static partial void Created(ILogger logger, string containerId, string language, bool pooled, long elapsedMs);

    [LoggerMessage(1001, LogLevel.Warning, "Removing sandbox {ContainerId} failed")]
    public static partial void RemoveFailed(ILogger logger, string containerId, Exception exception);

    [LoggerMessage(1002, LogLevel.Information, "Reaped {Count} stray sandbox containers")]
    public static partial void Reaped(ILogger logger, int count);

    [LoggerMessage(1003, LogLevel.Warning, "Reaping sandbox containers failed")]
    public static partial void ReapFailed(ILogger logger, Exception exception);

    [LoggerMessage(1004, LogLevel.Warning, "Dropped {Count} unsigned or out-of-order frames from sandbox {ContainerId}")]
    public static partial void ForgedFrames(ILogger logger, int count, string containerId);

    [LoggerMessage(1005, LogLevel.Warning, "Sandbox {ContainerId} wrote to stderr: {Text}")]
    public static partial void SupervisorStderr(ILogger logger, string containerId, string text);
}
