using System.Security.Claims;
using System.Text.RegularExpressions;
using LearningPlatform.Contracts;
using LearningPlatform.ServiceDefaults.Auth;
using LearningPlatform.Services.Common;
using LearningPlatform.Services.Features.Exercises;

namespace LearningPlatform.Services.Features.Catalog;

public sealed record ConceptInput(string? Id, string? Name, List<string>? Prerequisites);

/// <summary>A module in a request; <see cref="ExerciseIds"/> orders the module's exercises (updates only).</summary>
public sealed record ModuleInput(string? Id, string? Title, List<string>? ExerciseIds);

/// <summary>What create and update requests of a course have in common.</summary>
public interface ICourseInput
{
    string? Title { get; }

    string? Summary { get; }

    string? Difficulty { get; }

    List<string>? Tags { get; }

    List<string>? Languages { get; }

    List<ConceptInput>? Concepts { get; }

    List<ModuleInput>? Modules { get; }

    List<string>? Instructors { get; }
}

/// <summary>Validation and mapping shared by the course use cases.</summary>
public static partial class CourseRules
{
    // Ids of concepts and modules end up in URLs and client state: keep them slug-like.
    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,47}$")]
    private static partial Regex SlugPattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9+#.-]*$")]
    private static partial Regex TagPattern();

    public static bool IsSlug(string? value) => value is not null && SlugPattern().IsMatch(value);

    public static string NormalizeTag(string tag) => tag.Trim().ToLowerInvariant();

    /// <summary>Whether <paramref name="user"/> may edit <paramref name="course"/> and its exercises.</summary>
    public static bool CanEdit(ClaimsPrincipal user, Course course) =>
        user.IsInRole(Roles.Admin) || (user.IsInRole(Roles.Instructor) && course.Instructors.Contains(user.UserId()));

    public static void Validate(ICourseInput input, CatalogOptions options, ValidationErrors errors)
    {
        errors.RequireText("title", input.Title, options.MaxTitleLength);
        if (input.Summary is { Length: var summaryLength } && summaryLength > options.MaxSummaryLength)
        {
            errors.Add("summary", $"At most {options.MaxSummaryLength} characters.");
        }

        if (input.Difficulty is null || !Difficulties.All.Contains(input.Difficulty))
        {
            errors.Add("difficulty", $"One of: {string.Join(", ", Difficulties.All)}.");
        }

        ValidateTags(input.Tags ?? [], options, errors);
        ValidateLanguages(input.Languages, errors);
        ValidateConcepts(input.Concepts ?? [], options, errors);
        ValidateModules(input.Modules ?? [], options, errors);
        ValidateInstructors(input.Instructors ?? [], options, errors);
    }

    private static void ValidateTags(List<string> tags, CatalogOptions options, ValidationErrors errors)
    {
        if (tags.Count > options.MaxTags)
        {
            errors.Add("tags", $"At most {options.MaxTags} tags.");
            return;
        }

        for (var i = 0; i < tags.Count; i++)
        {
            var tag = NormalizeTag(tags[i] ?? "");
            if (tag.Length == 0 || tag.Length > options.MaxTagLength || !TagPattern().IsMatch(tag))
            {
                errors.Add($"tags[{i}]", $"1 to {options.MaxTagLength} letters, digits or '+#.-', starting with a letter or digit.");
            }
        }
    }

    private static void ValidateLanguages(List<string>? languages, ValidationErrors errors)
    {
        if (languages is null || languages.Count == 0)
        {
            errors.Add("languages", "At least one language.");
            return;
        }

        for (var i = 0; i < languages.Count; i++)
        {
            if (!ProgrammingLanguages.All.Contains(languages[i]))
            {
                errors.Add($"languages[{i}]", $"One of: {string.Join(", ", ProgrammingLanguages.All)}.");
            }
        }

        if (languages.Distinct().Count() != languages.Count)
        {
            errors.Add("languages", "Each language once.");
        }
    }

    private static void ValidateConcepts(List<ConceptInput> concepts, CatalogOptions options, ValidationErrors errors)
    {
        if (concepts.Count > options.MaxConcepts)
        {
            errors.Add("concepts", $"At most {options.MaxConcepts} concepts.");
            return;
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < concepts.Count; i++)
        {
            var concept = concepts[i];
            if (!IsSlug(concept?.Id))
            {
                errors.Add($"concepts[{i}].id", "1 to 48 lower-case letters, digits or '-'.");
            }
            else if (!ids.Add(concept!.Id!))
            {
                errors.Add($"concepts[{i}].id", $"Concept '{concept.Id}' appears twice.");
            }

            errors.RequireText($"concepts[{i}].name", concept?.Name, options.MaxConceptNameLength);
        }

        var valid = true;
        for (var i = 0; i < concepts.Count; i++)
        {
            var prerequisites = concepts[i]?.Prerequisites ?? [];
            for (var j = 0; j < prerequisites.Count; j++)
            {
                if (prerequisites[j] is not { } prerequisite || !ids.Contains(prerequisite))
                {
                    errors.Add($"concepts[{i}].prerequisites[{j}]", $"Unknown concept '{prerequisites[j]}'.");
                    valid = false;
                }
            }
        }

        // Only a graph of known concepts can be walked for cycles.
        if (valid && FindCycle(concepts.Where(c => c?.Id is not null).ToDictionary(c => c.Id!, c => (IReadOnlyList<string>)(c.Prerequisites ?? []))) is { } cycle)
        {
            errors.Add("concepts", $"Prerequisites form a cycle: {string.Join(" -> ", cycle)}.");
        }
    }

    /// <summary>A cycle in the prerequisite graph as a path that starts and ends at the same concept, or null.</summary>
    public static IReadOnlyList<string>? FindCycle(IReadOnlyDictionary<string, IReadOnlyList<string>> prerequisites)
    {
        var state = new Dictionary<string, bool>(StringComparer.Ordinal); // false: on the current path, true: done
        var path = new List<string>();

        IReadOnlyList<string>? Visit(string id)
        {
            if (state.TryGetValue(id, out var done))
            {
                return done ? null : [.. path.Skip(path.IndexOf(id)), id];
            }

            state[id] = false;
            path.Add(id);
            foreach (var next in prerequisites.GetValueOrDefault(id) ?? [])
            {
                if (Visit(next) is { } cycle)
                {
                    return cycle;
                }
            }

            path.RemoveAt(path.Count - 1);
            state[id] = true;
            return null;
        }

        // The concept count is bounded by options, so recursion depth is too.
        foreach (var id in prerequisites.Keys)
        {
            if (Visit(id) is { } cycle)
            {
                return cycle;
            }
        }

        return null;
    }

    private static void ValidateModules(List<ModuleInput> modules, CatalogOptions options, ValidationErrors errors)
    {
        if (modules.Count > options.MaxModules)
        {
            errors.Add("modules", $"At most {options.MaxModules} modules.");
            return;
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < modules.Count; i++)
        {
            var module = modules[i];
            if (!IsSlug(module?.Id))
            {
                errors.Add($"modules[{i}].id", "1 to 48 lower-case letters, digits or '-'.");
            }
            else if (!ids.Add(module!.Id!))
            {
                errors.Add($"modules[{i}].id", $"Module '{module.Id}' appears twice.");
            }

            errors.RequireText($"modules[{i}].title", module?.Title, options.MaxTitleLength);
            if (module?.ExerciseIds is { Count: var count } && count > options.MaxExercisesPerModule)
            {
                errors.Add($"modules[{i}].exerciseIds", $"At most {options.MaxExercisesPerModule} exercises.");
            }
        }
    }

    private static void ValidateInstructors(List<string> instructors, CatalogOptions options, ValidationErrors errors)
    {
        if (instructors.Count > options.MaxInstructors)
        {
            errors.Add("instructors", $"At most {options.MaxInstructors} instructors.");
            return;
        }

        for (var i = 0; i < instructors.Count; i++)
        {
            errors.RequireText($"instructors[{i}]", instructors[i], 100);
        }
    }

    /// <summary>Copies everything but modules and instructors (their rules differ between create and update).</summary>
    public static void Apply(ICourseInput input, Course course)
    {
        course.Title = input.Title!.Trim();
        course.Summary = input.Summary?.Trim() ?? "";
        course.Difficulty = input.Difficulty!;
        course.Tags = [.. (input.Tags ?? []).Select(NormalizeTag).Distinct()];
        course.Languages = [.. input.Languages!];
        course.Concepts = [.. (input.Concepts ?? []).Select(c => new Concept { Id = c.Id!, Name = c.Name!.Trim(), Prerequisites = [.. (c.Prerequisites ?? []).Distinct()] })];
    }
}
