using System.ComponentModel.DataAnnotations;

namespace LearningPlatform.RunnerHost.Sandbox;

/// Limits of every sandbox container and of the host-side enforcement around it.
public sealed class SandboxOptions
{
    public const string SectionName = "Runner:Sandbox";

    [Required] public string DockerEndpoint { get; set; } = "unix:///var/run/docker.sock";

    /// Images are "{ImagePrefix}-{python|javascript|csharp}:{ImageTag}", built by sandbox-images/build.sh.
    [Required] public string ImagePrefix { get; set; } = "learningplatform/sandbox";

    [Required, RegularExpression("^[A-Za-z0-9_.-]{1,128}$")] public string ImageTag { get; set; } = "latest";

    /// Per-language full image references (keys python, javascript, csharp), e.g. the content-hash tags printed by
    /// `sandbox-images/build.sh --tags`, to pin exactly one build of each image.
    public Dictionary<string, string> Images { get; set; } = [];

    /// The container's memory limit; an exercise's own (lower) limit is judged from the peak the sandbox reports.
    [Range(32L << 20, 8L << 30)] public long MemoryBytes { get; set; } = 256L << 20;
    [Range(10_000_000L, 8_000_000_000L)] public long NanoCpus { get; set; } = 1_000_000_000;
    [Range(8, 4096)] public long PidsLimit { get; set; } = 64;
    [Range(1L << 20, 1L << 30)] public long WorkDirBytes { get; set; } = 16L << 20;
    [Range(64, 1_000_000)] public int WorkDirInodes { get; set; } = 2048;
    [Range(1L << 20, 1L << 30)] public long TmpBytes { get; set; } = 8L << 20;
    [Range(1L << 20, 1L << 30)] public long ShmBytes { get; set; } = 4L << 20;
    [Range(16, 65536)] public long NoFile { get; set; } = 256;
    [Range(1L << 16, 1L << 30)] public long FileSizeBytes { get; set; } = 8L << 20;

    /// Wall-clock limit of each phase of a run (visible tests; hidden checks), enforced by the in-container supervisor
    /// and, with KillGraceMs more, from outside. The most an exercise's own limit can be.
    [Range(100, 600_000)] public int TimeoutMs { get; set; } = 10_000;
    [Range(100, 60_000)] public int KillGraceMs { get; set; } = 2_000;

    /// Output the code may print outside tests (per run); over it the run stops with output_limit. The most an
    /// exercise's own limit can be.
    [Range(1024, 64L << 20)] public long OutputLimitBytes { get; set; } = 64 * 1024;

    /// Hard cap on what the host reads from a container in total; over it the container is killed.
    [Range(64 * 1024, 1L << 30)] public long HostReadLimitBytes { get; set; } = 8L << 20;

    [Range(50, 100_000)] public int TestOutputChars { get; set; } = 500;

    /// Output of the hidden checks' phase kept for instructors (never shown to learners, never a reason to stop).
    [Range(0, 1 << 20)] public long CheckOutputLimitBytes { get; set; } = 8 * 1024;
    [Range(1, 200)] public int MaxFiles { get; set; } = 32;
    [Range(1024, 64L << 20)] public long MaxSourceBytes { get; set; } = 256 * 1024;

    /// Containers older than this (by label) are removed by the reaper even if this runner still knows them.
    [Range(10, 86_400)] public int StrayAfterSeconds { get; set; } = 900;
    [Range(1, 3600)] public int ReapIntervalSeconds { get; set; } = 60;
}
