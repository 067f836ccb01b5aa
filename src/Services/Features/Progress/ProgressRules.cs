using System.Globalization;

namespace LearningPlatform.Services.Features.Progress;

/// <summary>Derived figures: time spent, streaks.</summary>
public static class ProgressRules
{
    public static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Sum of gaps between consecutive submissions up to completion (or the last one), each capped.</summary>
    public static TimeSpan TimeSpent(ExerciseProgress exercise, TimeSpan maxGap)
    {
        var times = exercise.AttemptTimes.Where(t => exercise.CompletedAt is null || t <= exercise.CompletedAt).ToList();
        var total = TimeSpan.Zero;
        for (var i = 1; i < times.Count; i++)
        {
            var gap = times[i] - times[i - 1];
            total += gap < maxGap ? gap : maxGap;
        }

        return total;
    }

    /// <summary>Consecutive UTC days with a completion ending today or yesterday (today may still come), and the longest run.</summary>
    public static (int Current, int Longest) Streak(IReadOnlyList<string> days, DateTimeOffset now)
    {
        var dates = days.Select(d => DateOnly.ParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture)).Distinct().Order().ToList();
        int longest = 0, run = 0;
        DateOnly? previous = null;
        foreach (var d in dates)
        {
            run = previous is { } p && p.AddDays(1) == d ? run + 1 : 1;
            longest = Math.Max(longest, run);
            previous = d;
        }

        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var current = previous is { } last && (last == today || last == today.AddDays(-1)) ? run : 0;
        return (current, longest);
    }
}
