using System.Text;
using System.Text.Json;
using LearningPlatform.Contracts.Runs;
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

    /// <summary>Not accepted any more (see <see cref="ExerciseRules"/>); present so that a client still sending them
    /// hears why instead of losing them silently.</summary>
    List<FileContent>? HiddenTests { get; }

    List<HiddenCheck>? HiddenChecks { get; }

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
        ValidateChecks(input.HiddenChecks ?? [], input.Language, options, errors);
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
        if (input.HiddenTests is { Count: > 0 })
        {
            errors.Add("hiddenTests", "Hidden test files ran inside the learner's sandbox, where the learner's code could read and patch them. "
                + "Give hidden checks instead (hiddenChecks: a call, its arguments and the expected result, judged outside the sandbox).");
        }
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

    // module.function, module.Class, module (Python/JS); Type.Method, Type, Main (C#): dotted identifiers.
    [GeneratedRegex(@"^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)*$")]
    private static partial Regex CallPattern();

    private static void ValidateChecks(List<HiddenCheck> checks, string? language, ExercisesOptions options, ValidationErrors errors)
    {
        if (checks.Count > options.MaxHiddenChecks)
        {
            errors.Add("hiddenChecks", $"At most {options.MaxHiddenChecks} hidden checks.");
            return;
        }

        long bytes = 0;
        for (var i = 0; i < checks.Count; i++)
        {
            var field = $"hiddenChecks[{i}]";
            if (checks[i] is not { } check)
            {
                errors.Add(field, "Required.");
                continue;
            }

            if (string.IsNullOrWhiteSpace(check.Call) || check.Call.Length > 200 || !CallPattern().IsMatch(check.Call))
            {
                errors.Add($"{field}.call", language == ProgrammingLanguages.CSharp
                    ? "'Type.Method' (a public static method), 'Type' with steps, or 'Main' with stdin."
                    : "'module.function' (module = a solution file's name without extension), 'module.Class' with steps, or 'module' with stdin.");
            }

            if (check.Stdin is not null && (check.Steps is { Count: > 0 } || check.Args is { Count: > 0 }))
            {
                errors.Add($"{field}.stdin", "A whole-program check (stdin) takes no arguments or steps.");
            }

            if (check.Steps is { } steps && steps.Any(s => s is null || string.IsNullOrWhiteSpace(s.Method) || !CallPattern().IsMatch(s.Method) || s.Method.Contains('.')))
            {
                errors.Add($"{field}.steps", "Each step names a method of the object: {\"method\": \"deposit\", \"args\": [10]}.");
            }

            if (check.Compare == CheckComparison.Tolerance && check.Tolerance is not (> 0 and < 1e6))
            {
                errors.Add($"{field}.tolerance", "A positive number (the allowed difference) for compare 'tolerance'.");
            }

            if (check.Compare == CheckComparison.Unordered && check.ExpectedError is null && check.Expected is not { ValueKind: JsonValueKind.Array })
            {
                errors.Add($"{field}.expected", "An array for compare 'unordered'.");
            }

            if (check.ExpectedError is { } error && !CallPattern().IsMatch(error))
            {
                errors.Add($"{field}.expectedError", "An error type name, e.g. ValueError, RangeError or System.ArgumentException.");
            }

            if (check.Description is { Length: > 200 })
            {
                errors.Add($"{field}.description", "At most 200 characters: learners see it next to the check's number.");
            }

            bytes += JsonSerializer.SerializeToUtf8Bytes(check, RunJson.Options).Length;
        }

        if (bytes > options.MaxHiddenChecksBytes)
        {
            errors.Add("hiddenChecks", $"All hidden checks together at most {options.MaxHiddenChecksBytes} bytes of JSON; these are {bytes}.");
        }
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
        exercise.SetChecks(input.HiddenChecks ?? []);
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
