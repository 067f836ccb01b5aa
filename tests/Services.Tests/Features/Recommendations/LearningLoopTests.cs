using System.Net.Http.Json;
using System.Text.Json;
using Hangfire;
using LearningPlatform.Contracts.Events;
using LearningPlatform.Contracts.Runs;
using LearningPlatform.Services.Tests.Features.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace LearningPlatform.Services.Tests.Features.Recommendations;

/// <summary>
/// The loop end to end on the real host: submissions through the API, the runner's result as an event, progress,
/// streak and mastery, a Hangfire job refreshing the recommendations and publishing RecommendationsUpdated.
/// </summary>
[Collection(LearningCollection.Name)]
public sealed class LearningLoopTests(LearningFixture host)
{
    [Fact]
    public async Task Failing_then_passing_submission_moves_progress_streak_mastery_and_a_job_refreshes_recommendations()
    {
        var userId = TestTokens.NewUserId();
        var learner = host.Client(TestTokens.Learner(userId));
        var initial = await RecommendationsAsync(learner);
        Assert.Contains(initial, r => r.ExerciseId == "python-greet");

        // a failing submission
        var failing = await host.SubmitAsync(learner, "python-greet");
        await host.FinishAsync(failing, RunVerdict.Failed);
        var afterFail = await LearningFixture.WaitForAsync(async () =>
        {
            var p = await ProgressAsync(learner);
            return (Exercise(p, "python-greet")?.GetProperty("attempts").GetInt32() == 1 && Mastery(p, "strings") is not null, p);
        }, what: "the failed attempt counted");
        Assert.False(Exercise(afterFail, "python-greet")!.Value.GetProperty("completed").GetBoolean());
        Assert.Equal(0, afterFail.GetProperty("summary").GetProperty("currentStreakDays").GetInt32());
        var masteryAfterFail = Mastery(afterFail, "strings")!.Value;

        // then a passing one
        var passing = await host.SubmitAsync(learner, "python-greet");
        await host.FinishAsync(passing, RunVerdict.Passed);
        var afterPass = await LearningFixture.WaitForAsync(async () =>
        {
            var p = await ProgressAsync(learner);
            return (Exercise(p, "python-greet")?.GetProperty("completed").GetBoolean() == true && Mastery(p, "strings") > masteryAfterFail, p);
        }, what: "completion and higher mastery");
        var exercise = Exercise(afterPass, "python-greet")!.Value;
        Assert.Equal(2, exercise.GetProperty("attempts").GetInt32());
        Assert.Equal(1.0, exercise.GetProperty("bestScore").GetDouble());
        Assert.True(exercise.GetProperty("passedWithoutHints").GetBoolean());
        Assert.Equal(1, afterPass.GetProperty("summary").GetProperty("currentStreakDays").GetInt32());
        Assert.Equal(1, afterPass.GetProperty("summary").GetProperty("exercisesCompleted").GetInt32());

        // the debounced Hangfire job recomputed the list: greet is done, so it left the list, and the change was published
        var refreshed = await LearningFixture.WaitForAsync(async () =>
        {
            var items = await RecommendationsAsync(learner);
            return (items.All(r => r.ExerciseId != "python-greet"), items);
        }, what: "recommendations without the completed exercise");
        Assert.NotEqual(initial.Select(r => r.ExerciseId), refreshed.Select(r => r.ExerciseId));
        var published = await LearningFixture.WaitForAsync(async () =>
        {
            var entries = await host.Redis().StreamRangeAsync(host.RedisPrefix + "events:" + RecommendationsUpdated.EventType);
            var mine = entries.Select(e => JsonSerializer.Deserialize<RecommendationsUpdated>((string)e["payload"]!, Web)!)
                .Where(e => e.UserId == userId && e.Items.All(i => i.ExerciseId != "python-greet")).ToList();
            return (mine.Count > 0, mine);
        }, what: "RecommendationsUpdated on its stream");
        Assert.Equal(refreshed.Select(r => r.ExerciseId), published[^1].Items.Select(i => i.ExerciseId));
        // The job publishes before Hangfire marks it succeeded: wait for the state, don't catch it mid-transition.
        var monitoring = host.Services.GetRequiredService<JobStorage>().GetMonitoringApi();
        await LearningFixture.WaitForAsync(() =>
        {
            var succeeded = monitoring.SucceededJobs(0, 500);
            return Task.FromResult((succeeded.Any(j => j.Value.Job?.Method.Name == "RefreshLearnerAsync" && Equals(j.Value.Job.Args[0], userId)), succeeded.Count));
        }, what: "the learner's refresh job in Hangfire's succeeded list");

        // the same submission again, under another event id: not counted twice
        var duplicate = new SubmissionEvaluated(passing, userId, "python-greet", "python-foundations", RunVerdict.Passed, 2, 2,
            DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, ["strings", "conditionals", "functions"], Graded: true);
        await host.Events.PublishAsync(duplicate, eventId: "another-id-" + Guid.NewGuid().ToString("N"));
        // a later real submission proves the duplicate (earlier on the same stream) was handled
        var third = await host.SubmitAsync(learner, "python-greet");
        await host.FinishAsync(third, RunVerdict.Failed);
        var final = await LearningFixture.WaitForAsync(async () =>
        {
            var p = await ProgressAsync(learner);
            return (Exercise(p, "python-greet")?.GetProperty("attempts").GetInt32() >= 3, p);
        }, what: "the third attempt counted");
        Assert.Equal(3, Exercise(final, "python-greet")!.Value.GetProperty("attempts").GetInt32());
        Assert.Equal(3, final.GetProperty("summary").GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task A_pass_without_hidden_checks_is_self_checked_and_completes_nothing()
    {
        var userId = TestTokens.NewUserId();
        var learner = host.Client(TestTokens.Learner(userId));

        // The runner found every visible test passing but judged no hidden check (a practice exercise): not graded.
        var practice = await host.SubmitAsync(learner, "python-greet");
        await host.FinishAsync(practice, RunVerdict.Passed, graded: false);
        var progress = await LearningFixture.WaitForAsync(async () =>
        {
            var p = await ProgressAsync(learner);
            return (Exercise(p, "python-greet")?.GetProperty("attempts").GetInt32() == 1, p);
        }, what: "the practice pass counted as an attempt");

        var exercise = Exercise(progress, "python-greet")!.Value;
        Assert.True(exercise.GetProperty("selfChecked").GetBoolean());
        Assert.False(exercise.GetProperty("completed").GetBoolean());
        Assert.Equal(0, exercise.GetProperty("failedAttempts").GetInt32());
        Assert.Equal(0, progress.GetProperty("summary").GetProperty("exercisesCompleted").GetInt32());
        Assert.Equal(0, progress.GetProperty("summary").GetProperty("currentStreakDays").GetInt32());
    }

    [Fact]
    public async Task A_newcomer_is_never_recommended_an_exercise_whose_prerequisites_are_not_reached_and_every_reason_reads()
    {
        var learner = host.Client(TestTokens.Learner());

        var items = await RecommendationsAsync(learner);

        Assert.NotEmpty(items);
        // count-vowels practises strings, flatten needs loops, fizzbuzz-sum-of-evens needs conditionals: none reached yet
        Assert.DoesNotContain(items, r => r.ExerciseId is "python-count-vowels" or "python-flatten" or "csharp-sum-of-evens" or "csharp-factorial" or "javascript-fibonacci");
        var greet = Assert.Single(items, r => r.ExerciseId == "python-greet");
        Assert.Matches(@"^practise strings: mastery 0\.\d\d", greet.Reason);
        Assert.All(items, r => Assert.StartsWith("practise ", r.Reason));
    }

    [Fact]
    public async Task Passing_an_exercise_unlocks_the_one_that_needs_its_concept_with_a_reason_saying_so()
    {
        var userId = TestTokens.NewUserId();
        var learner = host.Client(TestTokens.Learner(userId));
        var run = await host.SubmitAsync(learner, "python-greet");
        await host.FinishAsync(run, RunVerdict.Passed);

        var items = await LearningFixture.WaitForAsync(async () =>
        {
            var list = await RecommendationsAsync(learner);
            return (list.Any(r => r.ExerciseId == "python-count-vowels"), list);
        }, what: "count-vowels unlocked");

        var vowels = items.Single(r => r.ExerciseId == "python-count-vowels");
        Assert.Contains("practise loops: mastery", vowels.Reason);
        Assert.Contains("unlocks lists", vowels.Reason);
        Assert.Contains("you are ready: strings reached", vowels.Reason);
        Assert.DoesNotContain(items, r => r.ExerciseId == "python-flatten"); // loops not reached yet
        Assert.All(items, r => Assert.Equal("python-foundations", r.CourseId)); // the course the learner works in
    }

    internal static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    internal static async Task<List<RecommendedExercise>> RecommendationsAsync(HttpClient learner)
    {
        var body = await learner.GetFromJsonAsync<JsonElement>("/api/recommendations/me");
        return body.GetProperty("items").Deserialize<List<RecommendedExercise>>(Web)!;
    }

    internal static Task<JsonElement> ProgressAsync(HttpClient learner) => learner.GetFromJsonAsync<JsonElement>("/api/progress/me");

    internal static JsonElement? Exercise(JsonElement progress, string exerciseId) =>
        progress.GetProperty("courses").EnumerateArray()
            .SelectMany(c => c.GetProperty("exercises").EnumerateArray())
            .Where(e => e.GetProperty("exerciseId").GetString() == exerciseId)
            .Select(e => (JsonElement?)e)
            .FirstOrDefault();

    internal static double? Mastery(JsonElement progress, string conceptId) =>
        progress.GetProperty("concepts").EnumerateArray()
            .Where(c => c.GetProperty("conceptId").GetString() == conceptId)
            .Select(c => (double?)c.GetProperty("mastery").GetDouble())
            .FirstOrDefault();
}
