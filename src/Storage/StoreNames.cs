using System.Text.RegularExpressions;

namespace LearningPlatform.Storage;

internal static partial class StoreNames
{
    // Names become file names (LiteDB) and database names (MongoDB): keep them boring.
    [GeneratedRegex("^[a-z][a-z0-9_-]{0,47}$")]
    private static partial Regex Pattern();

    public static void Validate(string name)
    {
        if (!Pattern().IsMatch(name))
        {
            throw new ArgumentException($"'{name}' is not a valid store or collection name (lower-case letters, digits, '-' and '_').", nameof(name));
        }
    }
}
