using System.ComponentModel.DataAnnotations;

namespace LearningPlatform.Services.Features.Catalog;

/// <summary>Limits of course documents and of the course list.</summary>
public sealed class CatalogOptions
{
    public const string SectionName = "Catalog";

    [Range(1, 500)]
    public int DefaultPageSize { get; set; } = 20;

    [Range(1, 500)]
    public int MaxPageSize { get; set; } = 100;

    /// <summary>Highest page number accepted; keeps skip counts (and scans) bounded.</summary>
    [Range(1, 1_000_000)]
    public int MaxPage { get; set; } = 10_000;

    [Range(1, 500)]
    public int MaxSearchTextLength { get; set; } = 100;

    [Range(1, 1000)]
    public int MaxTitleLength { get; set; } = 200;

    [Range(1, 100_000)]
    public int MaxSummaryLength { get; set; } = 4000;

    [Range(0, 100)]
    public int MaxTags { get; set; } = 20;

    [Range(1, 100)]
    public int MaxTagLength { get; set; } = 40;

    [Range(0, 1000)]
    public int MaxConcepts { get; set; } = 100;

    [Range(1, 200)]
    public int MaxConceptNameLength { get; set; } = 100;

    [Range(1, 500)]
    public int MaxModules { get; set; } = 50;

    [Range(1, 1000)]
    public int MaxExercisesPerModule { get; set; } = 100;

    [Range(1, 100)]
    public int MaxInstructors { get; set; } = 20;

    /// <summary>Insert the built-in courses and exercises that are missing when the service starts.</summary>
    public bool SeedOnStart { get; set; } = true;
}
