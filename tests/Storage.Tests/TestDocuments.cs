namespace LearningPlatform.Storage.Tests;

public enum Level
{
    Beginner,
    Intermediate,
    Advanced,
}

public sealed record Address(string City, int Zip);

public sealed class Step
{
    public string Title { get; set; } = "";

    public int Order { get; set; }

    public Dictionary<string, string> Hints { get; set; } = [];
}

/// <summary>Carries every field type the platform's documents use.</summary>
public sealed class Lesson : IDocument
{
    public string Id { get; set; } = "";

    public long Version { get; set; }

    public string Title { get; set; } = "";

    public string Email { get; set; } = "";

    public int Count { get; set; }

    public long Big { get; set; }

    public double Score { get; set; }

    public bool Published { get; set; }

    public Level Level { get; set; }

    public DateTimeOffset At { get; set; }

    public int? Rating { get; set; }

    public string? Note { get; set; }

    public DateTimeOffset? PublishedAt { get; set; }

    public Level? PreviousLevel { get; set; }

    public List<string> Tags { get; set; } = [];

    public Dictionary<string, string> Meta { get; set; } = [];

    public Address? Address { get; set; }

    public List<Step> Steps { get; set; } = [];
}

/// <summary>A narrower view of the <see cref="Lesson"/> documents: reading must ignore the fields it lacks.</summary>
public sealed class LessonHeader : IDocument
{
    public string Id { get; set; } = "";

    public long Version { get; set; }

    public string Title { get; set; } = "";
}
