using System.Text;
using System.Text.RegularExpressions;
using LearningPlatform.Services.Common;
using LearningPlatform.Services.Features.Catalog;

namespace LearningPlatform.Services.Features.Exercises;

/// <summary>What create and update requests of an exercise have in common.</summary>
public interface IExerciseInput
{
    string? Title { get; }

    string? Instructions { get; }

    string? Language { get; }

    List<FileContent>? StarterFiles { get; }

    List<FileContent>? VisibleTests { get; }

    List<FileContent>? HiddenTests { get; }

    List<FileContent>? Solution { get; }

    List<string>? Hints { get; }

    List<string>? ConceptsTaught { get; }

    List<string>? ConceptsPractised { get; }

    /// <summary>Null for the defaults of <see cref="ExercisesOptions"/>.</summary>
    ExerciseLimits? Limits { get; }
}

/// <summary>Validation and mapping shared by the exercise use cases.</summary>
public static partial class ExerciseRules
{
    // File names become paths in the runner's workspace: one plain segment, no way out of the folder.
    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")]
    private static partial Regex FileNamePattern();

    public static ValidationErrors Validate(IExerciseInput input, ExercisesOptions options, Course course)
    {
        var errors = new ValidationErrors();
        errors.RequireText("title", input.Title, options.MaxTitleLength);
        errors.RequireText("instructions", input.Instructions, options.MaxInstructionsLength);
        if (input.Language is null || !ProgrammingLanguages.All.Contains(input.Language))
        {
            errors.Add("language", $"One of: {string.Join(", ", ProgrammingLanguages.All)}.");
        }
        else if (!course.Languages.Contains(input.Language))
        {
            errors.Add("language", $"Course '{course.Id}' is taught in {string.Join(", ", course.Languages)}.");
        }

        ValidateFiles(input, options, errors);
        ValidateHints(input.Hints ?? [], options, errors);
        var concepts = course.Concepts.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        ValidateConcepts("conceptsTaught", input.ConceptsTaught ?? [], concepts, errors);
        ValidateConcepts("conceptsPractised", input.ConceptsPractised ?? [], concepts, errors);
        if (input.Limits is { } limits)
        {
            if (limits.TimeMs < options.MinTimeLimitMs || limits.TimeMs > options.MaxTimeLimitMs)
            {
                errors.Add("limits.timeMs", $"From {options.MinTimeLimitMs} to {options.MaxTimeLimitMs}.");
            }

            if (limits.MemoryMb < options.MinMemoryMb || limits.MemoryMb > options.MaxMemoryMb)
            {
                errors.Add("limits.memoryMb", $"From {options.MinMemoryMb} to {options.MaxMemoryMb}.");
            }
        }

        return errors;
    }

    /// <summary>Why <paramref name="name"/> is not an acceptable file name, or null when it is.</summary>
    public static string? FileNameError(string? name, int maxLength) => name switch
    {
        null or "" => "Required.",
        _ when name.Length > maxLength => $"At most {maxLength} characters.",
        _ when name.Contains('/') || name.Contains('\\') => "A file name, not a path: no '/' or '\\'.",
        _ when name.Contains("..") => "No '..'.",
        _ when !FileNamePattern().IsMatch(name) => "Letters, digits, '_', '-' and '.', not starting with '.'.",
        _ => null,
    };

    private static void ValidateFiles(IExerciseInput input, ExercisesOptions options, ValidationErrors errors)
    {
        // Starter files and tests share the learner's workspace, so their names must not collide; the solution
        // stands in for the starter files, so its names are checked on their own.
        var workspace = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        long total = 0;
        total += ValidateSet("starterFiles", input.StarterFiles, required: true, workspace, options, errors);
        total += ValidateSet("visibleTests", input.VisibleTests, required: true, workspace, options, errors);
        total += ValidateSet("hiddenTests", input.HiddenTests, required: false, workspace, options, errors);
        total += ValidateSet("solution", input.Solution, required: true, new HashSet<string>(StringComparer.OrdinalIgnoreCase), options, errors);
        if (total > options.MaxTotalFileBytes)
        {
            errors.Add("files", $"All files together at most {options.MaxTotalFileBytes} bytes (UTF-8); these are {total}.");
        }
    }

    private static long ValidateSet(
        string field, List<FileContent>? files, bool required, HashSet<string> names, ExercisesOptions options, ValidationErrors errors)
    {
        files ??= [];
        if (required && files.Count == 0)
        {
            errors.Add(field, "At least one file.");
        }

        if (files.Count > options.MaxFilesPerSet)
        {
            errors.Add(field, $"At most {options.MaxFilesPerSet} files.");
            return 0;
        }

        long total = 0;
        for (var i = 0; i < files.Count; i++)
        {
            if (files[i] is not { } file)
            {
                errors.Add($"{field}[{i}]", "Required.");
                continue;
            }

            if (FileNameError(file.Name, options.MaxFileNameLength) is { } error)
            {
                errors.Add($"{field}[{i}].name", error);
            }
            else if (!names.Add(file.Name))
            {
                errors.Add($"{field}[{i}].name", $"'{file.Name}' is already the name of another file of this exercise.");
            }

            if (file.Content is null)
            {
                errors.Add($"{field}[{i}].content", "Required (may be empty).");
                continue;
            }

            var bytes = Encoding.UTF8.GetByteCount(file.Content);
            if (bytes > options.MaxFileBytes)
            {
                errors.Add($"{field}[{i}].content", $"At most {options.MaxFileBytes} bytes (UTF-8); this is {bytes}.");
            }

            total += bytes;
        }

        return total;
    }

    private static void ValidateHints(List<string> hints, ExercisesOptions options, ValidationErrors errors)
    {
        if (hints.Count > options.MaxHints)
        {
            errors.Add("hints", $"At most {options.MaxHints} hints.");
            return;
        }

        for (var i = 0; i < hints.Count; i++)
        {
            errors.RequireText($"hints[{i}]", hints[i], options.MaxHintLength);
        }
    }

    private static void ValidateConcepts(string field, List<string> ids, HashSet<string> known, ValidationErrors errors)
    {
        for (var i = 0; i < ids.Count; i++)
        {
            if (ids[i] is null || !known.Contains(ids[i]))
            {
                errors.Add($"{field}[{i}]", $"Unknown concept '{ids[i]}'; the course's concepts are: {string.Join(", ", known)}.");
            }
        }
    }

    public static void Apply(IExerciseInput input, Exercise exercise, ExercisesOptions options)
    {
        exercise.Title = input.Title!.Trim();
        exercise.Instructions = input.Instructions!;
        exercise.Language = input.Language!;
        exercise.StarterFiles = ToFiles(input.StarterFiles);
        exercise.VisibleTests = ToFiles(input.VisibleTests);
        exercise.HiddenTests = ToFiles(input.HiddenTests);
        exercise.Solution = ToFiles(input.Solution);
        exercise.Hints = [.. input.Hints ?? []];
        exercise.ConceptsTaught = [.. (input.ConceptsTaught ?? []).Distinct()];
        exercise.ConceptsPractised = [.. (input.ConceptsPractised ?? []).Distinct()];
        exercise.TimeLimitMs = input.Limits?.TimeMs ?? options.DefaultTimeLimitMs;
        exercise.MemoryLimitMb = input.Limits?.MemoryMb ?? options.DefaultMemoryMb;
    }

    private static List<ExerciseFile> ToFiles(List<FileContent>? files) =>
        [.. (files ?? []).Select(f => new ExerciseFile { Name = f.Name, Content = f.Content })];
}
