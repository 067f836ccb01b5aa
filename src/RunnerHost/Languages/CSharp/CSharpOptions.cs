using System.ComponentModel.DataAnnotations;

namespace LearningPlatform.RunnerHost.Languages.CSharp;

/// Limits of compiling learners' C# on the runner.
public sealed class CSharpOptions
{
    public const string SectionName = "Runner:CSharp";

    [Range(100, 120_000)] public int CompileTimeoutMs { get; set; } = 10_000;
    [Range(1024, 64L << 20)] public long MaxAssemblyBytes { get; set; } = 4L << 20;

    /// Bracket nesting deeper than this is refused before Roslyn sees it (compile-time bombs).
    [Range(16, 10_000)] public int MaxNesting { get; set; } = 200;
    [Range(1, 64)] public int MaxConcurrentCompilations { get; set; } = 2;
    [Range(1, 1000)] public int MaxDiagnostics { get; set; } = 100;
}
