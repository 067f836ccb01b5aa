namespace LearningPlatform.RunnerHost.Sandbox;

/// Labels on every sandbox container; the reaper finds strays by them.
internal static class SandboxLabels
{
    public const string Sandbox = "learningplatform.sandbox";
    public const string Runner = "learningplatform.runner";
    public const string Language = "learningplatform.language";
    public const string CreatedUnix = "learningplatform.created";
    public const string Host = "learningplatform.host";
    public const string Pid = "learningplatform.pid";
    public const string Pooled = "learningplatform.pooled";
}
