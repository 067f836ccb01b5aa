using System.ComponentModel.DataAnnotations;

namespace LearningPlatform.Services.Features.Exercises;

/// <summary>Limits of exercise documents, and the bounds of the run limits an author may ask for.</summary>
public sealed class ExercisesOptions
{
    public const string SectionName = "Exercises";

    [Range(1, 1000)]
    public int MaxTitleLength { get; set; } = 200;

    [Range(1, 1_000_000)]
    public int MaxInstructionsLength { get; set; } = 32_000;

    /// <summary>Most files in each of starter files, visible tests and solution.</summary>
    [Range(1, 200)]
    public int MaxFilesPerSet { get; set; } = 20;

    [Range(1, 255)]
    public int MaxFileNameLength { get; set; } = 100;

    /// <summary>Largest file content, in UTF-8 bytes.</summary>
    [Range(1, 10_000_000)]
    public int MaxFileBytes { get; set; } = 64 * 1024;

    /// <summary>Largest sum of all file contents of one exercise, in UTF-8 bytes.</summary>
    [Range(1, 100_000_000)]
    public int MaxTotalFileBytes { get; set; } = 512 * 1024;

    [Range(0, 100)]
    public int MaxHints { get; set; } = 10;

    [Range(0, 1000)]
    public int MaxHiddenChecks { get; set; } = 50;

    /// <summary>Largest JSON of all hidden checks of one exercise (arguments and expected values).</summary>
    [Range(1, 100_000_000)]
    public int MaxHiddenChecksBytes { get; set; } = 256 * 1024;

    /// <summary>Creating or changing an exercise runs its reference solution and its starter in the sandbox: the
    /// reference must pass every visible test and hidden check, the starter must not.</summary>
    public bool ValidateWithRunner { get; set; } = true;

    /// <summary>How long saving an exercise waits for those two runs before answering 503.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan ValidationTimeout { get; set; } = TimeSpan.FromSeconds(60);

    [Range(1, 100_000)]
    public int MaxHintLength { get; set; } = 2000;

    [Range(1, 600_000)]
    public int MinTimeLimitMs { get; set; } = 100;

    [Range(1, 600_000)]
    public int MaxTimeLimitMs { get; set; } = 30_000;

    [Range(1, 600_000)]
    public int DefaultTimeLimitMs { get; set; } = 5_000;

    [Range(1, 65_536)]
    public int MinMemoryMb { get; set; } = 16;

    [Range(1, 65_536)]
    public int MaxMemoryMb { get; set; } = 1024;

    [Range(1, 65_536)]
    public int DefaultMemoryMb { get; set; } = 256;
}
