using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LearningPlatform.Contracts.Runs;
using LearningPlatform.Services.Features.Progress;
using LearningPlatform.Services.Tests.Features.Jobs;
using LearningPlatform.Services.Tests.Features.Recommendations;

namespace LearningPlatform.Services.Tests.Features.Progress;

[Collection(LearningCollection.Name)]
public sealed class ProgressTests(LearningFixture host)
{
    [Fact]
    public async Task Bookmarks_are_added_and_removed_idempotently_and_unknown_exercises_refused()
    {
        var learner = host.Client(TestTokens.Learner());

        using var first = await learner.PutAsync("/api/progress/me/bookmarks/python-flatten", null);
        using var again = await learner.PutAsync("/api/progress/me/bookmarks/python-flatten", null);
        using var unknown = await learner.PutAsync("/api/progress/me/bookmarks/nope", null);
        var progress = await LearningLoopTests.ProgressAsync(learner);
        using var removed = await learner.DeleteAsync("/api/progress/me/bookmarks/python-flatten");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(["python-flatten"], (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("bookmarks").EnumerateArray().Select(b => b.GetString()));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(1, progress.GetProperty("bookmarks").GetArrayLength());
        Assert.Equal(0, (await removed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("bookmarks").GetArrayLength());
    }

    [Fact]
    public async Task Course_overview_shows_who_is_stuck_to_admins_and_refuses_learners_and_other_instructors()
    {
        var userId = TestTokens.NewUserId();
        var learner = host.Client(TestTokens.Learner(userId));
        for (var i = 0; i < 3; i++)
        {
            var run = await host.SubmitAsync(learner, "javascript-max-of");
            await host.FinishAsync(run, RunVerdict.Failed);
        }

        var admin = host.Client(TestTokens.Admin());
        var row = await LearningFixture.WaitForAsync(async () =>
        {
            var overview = await admin.GetFromJsonAsync<JsonElement>("/api/progress/courses/javascript-foundations/overview");
            var mine = overview.GetProperty("rows").EnumerateArray().FirstOrDefault(r => r.GetProperty("userId").GetString() == userId);
            return (mine.ValueKind == JsonValueKind.Object && mine.GetProperty("attempts").GetInt32() == 3, mine);
        }, what: "the learner in the overview");
        using var asLearner = await learner.GetAsync("/api/progress/courses/javascript-foundations/overview");
        using var asOtherInstructor = await host.Client(TestTokens.Instructor()).GetAsync("/api/progress/courses/javascript-foundations/overview");
        using var missing = await admin.GetAsync("/api/progress/courses/nope/overview");

        Assert.True(row.GetProperty("stuck").GetBoolean());
        Assert.Equal("javascript-max-of", row.GetProperty("stuckOn")[0].GetProperty("exerciseId").GetString());
        Assert.Contains("failed attempts", row.GetProperty("stuckReasons")[0].GetString());
        Assert.Equal(HttpStatusCode.Forbidden, asLearner.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, asOtherInstructor.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Progress_needs_a_signed_in_user()
    {
        using var response = await host.Client().GetAsync("/api/progress/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public void Time_spent_sums_gaps_between_submissions_up_to_completion_each_capped()
    {
        var t0 = new DateTimeOffset(2025, 3, 1, 10, 0, 0, TimeSpan.Zero);
        var exercise = new ExerciseProgress
        {
            AttemptTimes = [t0, t0.AddMinutes(5), t0.AddHours(3), t0.AddHours(3).AddMinutes(2), t0.AddHours(5)],
            Completed = true,
            CompletedAt = t0.AddHours(3).AddMinutes(2),
        };

        // 5 min + 20 min (a 2 h 55 min gap capped) + 2 min; the submission after completion does not count
        Assert.Equal(TimeSpan.FromMinutes(27), ProgressRules.TimeSpent(exercise, TimeSpan.FromMinutes(20)));
    }

    [Theory]
    [InlineData(new[] { "2025-03-01", "2025-03-02", "2025-03-03" }, "2025-03-03", 3, 3)]
    [InlineData(new[] { "2025-03-01", "2025-03-02", "2025-03-03" }, "2025-03-04", 3, 3)]
    [InlineData(new[] { "2025-03-01", "2025-03-02", "2025-03-03" }, "2025-03-05", 0, 3)]
    [InlineData(new[] { "2025-02-01", "2025-02-02", "2025-02-03", "2025-03-04", "2025-03-05" }, "2025-03-05", 2, 3)]
    [InlineData(new string[0], "2025-03-05", 0, 0)]
    public void Streak_counts_consecutive_utc_days_ending_today_or_yesterday(string[] days, string today, int current, int longest)
    {
        var now = DateTimeOffset.Parse(today + "T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal((current, longest), ProgressRules.Streak(days, now));
    }
}
