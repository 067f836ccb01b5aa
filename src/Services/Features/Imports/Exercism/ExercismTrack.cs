using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using LearningPlatform.Contracts.Runs;
using LearningPlatform.Services.Features.Catalog;
using LearningPlatform.Services.Features.Exercises;

namespace LearningPlatform.Services.Features.Imports.Exercism;

/// <summary>
/// Reads an Exercism track (https://exercism.org/docs/building/tracks): the track's <c>config.json</c> gives the
/// language, the concepts and the practice exercises with difficulty, practised concepts and prerequisites; each
/// practice exercise's <c>.meta/config.json</c> names its solution (the starter), test, example (the reference
/// solution) and editor files; <c>.docs</c> holds its introduction, instructions (+ append) and hints. Pure: the
/// archive in, a plan of the course out.
/// </summary>
public static partial class ExercismTrack
{
    public const string ConfigFile = "config.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static TrackPlan Read(TrackArchive archive, ExercisesOptions limits, CatalogOptions catalog)
    {
        var config = Parse<TrackConfig>(archive, ConfigFile) ?? throw new ImportFormatException("config.json is empty.");
        var language = LanguageOf(config)
            ?? throw new ImportFormatException($"The track's language '{config.Language ?? config.Slug}' is not one of: {string.Join(", ", ProgrammingLanguages.All)}.");
        var trackSlug = IsSlug(config.Slug) ? config.Slug! : language;

        var conceptExercises = config.Exercises?.Concept ?? [];
        var practice = config.Exercises?.Practice ?? [];
        var exercises = new List<PlannedExercise>();
        foreach (var c in conceptExercises.Where(c => !string.IsNullOrWhiteSpace(c.Slug)))
        {
            exercises.Add(PlannedExercise.Skip(c.Slug!, c.Name ?? c.Slug!, "A concept exercise: only practice exercises are imported."));
        }

        foreach (var p in practice)
        {
            if (p.Slug is null || !ExerciseSlug().IsMatch(p.Slug))
            {
                continue;
            }

            var title = string.IsNullOrWhiteSpace(p.Name) ? p.Slug! : p.Name!.Trim();
            if (p.Status is "deprecated" or "wip")
            {
                exercises.Add(PlannedExercise.Skip(p.Slug!, title, $"Marked '{p.Status}' in the track."));
                continue;
            }

            exercises.Add(ReadExercise(archive, language, p, title, limits));
        }

        var concepts = Concepts(config, exercises, catalog.MaxConcepts);
        var known = concepts.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var e in exercises)
        {
            e.Taught.RemoveAll(c => !known.Contains(c));
            e.Practised.RemoveAll(c => !known.Contains(c) || e.Taught.Contains(c));
        }

        var languageName = language switch { ProgrammingLanguages.CSharp => "C#", ProgrammingLanguages.JavaScript => "JavaScript", _ => "Python" };
        return new TrackPlan(language, trackSlug, $"{languageName} practice (Exercism track)", Clip(config.Blurb ?? "", catalog.MaxSummaryLength), concepts, exercises);
    }

    private static PlannedExercise ReadExercise(TrackArchive archive, string language, PracticeExercise p, string title, ExercisesOptions limits)
    {
        var dir = $"exercises/practice/{p.Slug}/";
        var planned = new PlannedExercise(p.Slug!, title, Math.Clamp(p.Difficulty ?? 1, 1, 10))
        {
            Taught = [.. (p.Practices ?? []).Where(IsSlug).Distinct()],
            Practised = [.. (p.Prerequisites ?? []).Where(IsSlug).Distinct()],
        };
        ExerciseConfig? meta;
        try
        {
            meta = Parse<ExerciseConfig>(archive, dir + ".meta/config.json");
        }
        catch (ImportFormatException e)
        {
            return planned.Invalid(e.Message);
        }

        var files = meta?.Files;
        if (files?.Solution is not { Count: > 0 } solution || files.Test is not { Count: > 0 } tests || files.Example is not { Count: > 0 } example)
        {
            return planned.Invalid($"{dir}.meta/config.json must name solution, test and example files.");
        }

        var missing = solution.Concat(tests).Concat(example).Concat(files.Editor ?? []).Where(f => !archive.Exists(dir + f)).ToList();
        if (missing.Count > 0)
        {
            return planned.Invalid($"Files named in .meta/config.json are not in the archive: {string.Join(", ", missing)}.");
        }

        if (ReferenceNames(solution, example) is not { } referenceNames)
        {
            return planned.Invalid($"The example files ({string.Join(", ", example)}) do not map onto the solution files ({string.Join(", ", solution)}).");
        }

        var instructions = string.Join("\n\n", new[] { ".docs/introduction.md", ".docs/instructions.md", ".docs/instructions.append.md" }
            .Select(f => archive.Text(dir + f)?.Trim()).Where(t => !string.IsNullOrEmpty(t)));
        if (archive.Text(dir + ".docs/instructions.md") is null)
        {
            return planned.Invalid("No .docs/instructions.md.");
        }

        planned.Instructions = instructions;
        planned.Starter = [.. solution.Select(f => new FileContent(FileName(f), archive.Text(dir + f)!))];
        planned.Tests = [.. tests.Select(f => new FileContent(FileName(f), SkipMarkers.Remove(language, archive.Text(dir + f)!)))];
        // Editor files are read-only support files the tests need: they travel with the tests, which learners cannot change.
        planned.Tests.AddRange((files.Editor ?? []).Select(f => new FileContent(FileName(f), archive.Text(dir + f)!)));
        planned.Solution = [.. example.Select((f, i) => new FileContent(referenceNames[i], archive.Text(dir + f)!))];
        planned.Hints = Hints(archive.Text(dir + ".docs/hints.md"), limits.MaxHints, limits.MaxHintLength);
        return planned;
    }

    /// <summary>The solution file each example file stands for: in order when they pair up, else the one solution file.</summary>
    private static List<string>? ReferenceNames(List<string> solution, List<string> example)
    {
        if (solution.Count == example.Count)
        {
            return [.. solution.Select(FileName)];
        }

        return solution.Count == 1 && example.Count == 1 ? [FileName(solution[0])] : null;
    }

    // Exercise files are flat in the workspace; paths inside the exercise keep their last segment (validation reports clashes).
    private static string FileName(string path) => path.Split('/')[^1];

    /// <summary>
    /// <c>.docs/hints.md</c> split into hints: one per second-level section (its heading in bold), or one per top-level
    /// bullet when it has no sections; at most <paramref name="max"/>, the rest joined into the last.
    /// </summary>
    public static List<string> Hints(string? markdown, int max, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(markdown) || max == 0)
        {
            return [];
        }

        var lines = markdown.Replace("\r\n", "\n").Split('\n').Where(l => !TopHeading().IsMatch(l)).ToList();
        var hints = new List<StringBuilder>();
        var sections = lines.Any(l => l.StartsWith("## ", StringComparison.Ordinal));
        foreach (var line in lines)
        {
            if (sections && line.StartsWith("## ", StringComparison.Ordinal))
            {
                hints.Add(new StringBuilder($"**{line[3..].Trim()}**\n"));
            }
            else if (!sections && Bullet().IsMatch(line))
            {
                hints.Add(new StringBuilder(Bullet().Replace(line, "")).Append('\n'));
            }
            else if (hints.Count > 0)
            {
                hints[^1].Append(line).Append('\n');
            }
            else if (line.Trim().Length > 0)
            {
                hints.Add(new StringBuilder(line).Append('\n'));
            }
        }

        var texts = hints.Select(h => h.ToString().Trim()).Where(h => h.Length > 0).ToList();
        if (texts.Count > max)
        {
            texts = [.. texts.Take(max - 1), string.Join("\n\n", texts.Skip(max - 1))];
        }

        return [.. texts.Select(t => Clip(t, maxLength))];
    }

    /// <summary>
    /// The track's concepts, those its exercises name without defining added (named from their slugs), at most
    /// <paramref name="max"/> (the ones imported exercises use first); prerequisites from the concept exercises (what an
    /// exercise teaches needs what it lists as prerequisites), with any edge that would close a cycle left out.
    /// </summary>
    private static List<Concept> Concepts(TrackConfig config, List<PlannedExercise> exercises, int max)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var c in config.Concepts ?? [])
        {
            if (IsSlug(c.Slug) && !names.ContainsKey(c.Slug!))
            {
                names[c.Slug!] = string.IsNullOrWhiteSpace(c.Name) ? NameOf(c.Slug!) : c.Name!.Trim();
            }
        }

        var used = exercises.Where(e => e.Status is null).SelectMany(e => e.Taught.Concat(e.Practised)).Distinct().ToList();
        var keep = used.Concat(names.Keys).Distinct().Take(max).ToHashSet(StringComparer.Ordinal);
        var prerequisites = keep.ToDictionary(c => c, _ => new List<string>(), StringComparer.Ordinal);
        foreach (var ce in config.Exercises?.Concept ?? [])
        {
            foreach (var taught in (ce.Concepts ?? []).Where(keep.Contains))
            {
                foreach (var p in (ce.Prerequisites ?? []).Where(p => keep.Contains(p) && p != taught && !prerequisites[taught].Contains(p)))
                {
                    prerequisites[taught].Add(p);
                    if (CourseRules.FindCycle(prerequisites.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value)) is not null)
                    {
                        prerequisites[taught].Remove(p);
                    }
                }
            }
        }

        return [.. keep.Select(id => new Concept { Id = id, Name = names.TryGetValue(id, out var n) ? n : NameOf(id), Prerequisites = prerequisites[id] })];
    }

    private static string NameOf(string slug) => slug.Length == 0 ? slug : char.ToUpperInvariant(slug[0]) + slug[1..].Replace('-', ' ');

    private static string? LanguageOf(TrackConfig config) =>
        (config.Slug?.ToLowerInvariant(), config.Language?.ToLowerInvariant()) switch
        {
            ("python", _) or (_, "python") => ProgrammingLanguages.Python,
            ("javascript", _) or (_, "javascript") => ProgrammingLanguages.JavaScript,
            ("csharp", _) or (_, "c#") => ProgrammingLanguages.CSharp,
            _ => null,
        };

    private static T? Parse<T>(TrackArchive archive, string path)
    {
        var text = archive.Text(path) ?? throw new ImportFormatException($"No {path} in the archive.");
        try
        {
            return JsonSerializer.Deserialize<T>(text, Json);
        }
        catch (JsonException e)
        {
            throw new ImportFormatException($"{path} is not valid JSON: {e.Message}");
        }
    }

    private static bool IsSlug(string? s) => CourseRules.IsSlug(s);

    private static string Clip(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,99}$")]
    private static partial Regex ExerciseSlug();

    [GeneratedRegex(@"^#\s")]
    private static partial Regex TopHeading();

    [GeneratedRegex(@"^[-*]\s+")]
    private static partial Regex Bullet();

    private sealed record TrackConfig(string? Language, string? Slug, string? Blurb, TrackExercises? Exercises, List<TrackConcept>? Concepts);

    private sealed record TrackExercises(List<ConceptExercise>? Concept, List<PracticeExercise>? Practice);

    private sealed record ConceptExercise(string? Slug, string? Name, List<string>? Concepts, List<string>? Prerequisites, string? Status);

    private sealed record PracticeExercise(string? Slug, string? Name, List<string>? Practices, List<string>? Prerequisites, int? Difficulty, string? Status);

    private sealed record TrackConcept(string? Slug, string? Name);

    private sealed record ExerciseConfig(ExerciseFiles? Files);

    private sealed record ExerciseFiles(List<string>? Solution, List<string>? Test, List<string>? Example, List<string>? Editor);
}

/// <summary>A track read: the course to create or merge into, and its exercises in the track's order.</summary>
public sealed record TrackPlan(string Language, string TrackSlug, string Title, string Summary, List<Concept> Concepts, List<PlannedExercise> Exercises);

/// <summary>One exercise of a track, ready to validate; or skipped or invalid (<see cref="Status"/>) with the reason.</summary>
public sealed record PlannedExercise(string Slug, string Title, int Difficulty)
{
    public string? Status { get; private set; }

    public string? Reason { get; private set; }

    public string Instructions { get; set; } = "";

    public List<FileContent> Starter { get; set; } = [];

    public List<FileContent> Tests { get; set; } = [];

    public List<FileContent> Solution { get; set; } = [];

    public List<string> Hints { get; set; } = [];

    public List<string> Taught { get; init; } = [];

    public List<string> Practised { get; init; } = [];

    public static PlannedExercise Skip(string slug, string title, string reason) =>
        new(slug, title, 0) { Status = ImportedExerciseStatuses.Skipped, Reason = reason };

    public PlannedExercise Invalid(string reason)
    {
        Status = ImportedExerciseStatuses.Invalid;
        Reason = reason;
        return this;
    }

    /// <summary>Exercism's bands of difficulty (1–10), which become the course's modules.</summary>
    public string Band => Difficulty switch { <= 3 => "easy", <= 7 => "medium", _ => "hard" };
}
