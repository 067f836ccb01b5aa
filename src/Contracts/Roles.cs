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

    /// <summary>A platform process acting for itself (the Hub saving sessions): never a user's role, never assignable.</summary>
    public const string Service = "service";

    /// <summary>All roles a user can have, for validation.</summary>
    public static readonly IReadOnlyList<string> All = [Learner, Instructor, Admin];
}
