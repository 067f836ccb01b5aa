namespace LearningPlatform.Contracts;

/// <summary>The platform's roles, as they appear in tokens.</summary>
public static class Roles
{
    /// <summary>Default role: works on exercises.</summary>
    public const string Learner = "learner";

    /// <summary>Teaches courses: authors content and watches learners of their courses.</summary>
    public const string Instructor = "instructor";

    /// <summary>Runs the platform.</summary>
    public const string Admin = "admin";

    /// <summary>All roles, for validation.</summary>
    public static readonly IReadOnlyList<string> All = [Learner, Instructor, Admin];
}
