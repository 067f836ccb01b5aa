using System.Text;
using LearningPlatform.Contracts.Workbench;

namespace LearningPlatform.Hub.Features.Workbench;

/// <summary>Applies Monaco content changes to a text, all or nothing.</summary>
public static class TextEdits
{
    /// <summary>
    /// Applies <paramref name="changes"/> in order, each to the result of the ones before (Monaco lists the changes
    /// of one event from the end of the text backwards, so this equals applying each to the previous version).
    /// Returns null and the reason when a change is malformed or reaches outside the text; the text is then left
    /// as it was.
    /// </summary>
    public static string? Apply(string text, IReadOnlyList<ContentChange> changes, out string? error)
    {
        if (changes is [{ } only] && only.RangeOffset >= 0 && only.RangeLength >= 0 && (long)only.RangeOffset + only.RangeLength <= text.Length)
        {
            // A keystroke: one copy of the text instead of a builder's three.
            error = null;
            return string.Concat(text.AsSpan(0, only.RangeOffset), only.Text, text.AsSpan(only.RangeOffset + only.RangeLength));
        }

        var builder = new StringBuilder(text);
        for (var i = 0; i < changes.Count; i++)
        {
            var change = changes[i];
            if (change is null)
            {
                error = $"Change {i} is missing.";
                return null;
            }

            if (change.RangeOffset < 0 || change.RangeLength < 0 || (long)change.RangeOffset + change.RangeLength > builder.Length)
            {
                error = $"Change {i} (offset {change.RangeOffset}, length {change.RangeLength}) reaches outside the text of {builder.Length} characters.";
                return null;
            }

            builder.Remove(change.RangeOffset, change.RangeLength).Insert(change.RangeOffset, change.Text ?? "");
        }

        error = null;
        return builder.ToString();
    }
}
