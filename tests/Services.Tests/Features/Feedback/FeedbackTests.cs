using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LearningPlatform.Contracts.Runs;
using LearningPlatform.Services.Tests.Features.Jobs;
using LearningPlatform.Services.Tests.Features.Recommendations;

namespace LearningPlatform.Services.Tests.Features.Feedback;

[Collection(LearningCollection.Name)]
public sealed class FeedbackTests(LearningFixture host)
{
    [Fact]
    public async Task A_CS0103_compile_error_is_explained_with_the_unknown_name()
    {
        var learner = host.Client(TestTokens.Learner());
        var run = await host.SubmitAsync(learner, "csharp-fizzbuzz", mode: "run");
        await host.FinishAsync(run, RunVerdict.CompileError, tests: [],
            diagnostics: [new CompileDiagnostic("FizzBuzz.cs", 7, 16, "error", "CS0103", "The name 'nmber' does not exist in the current context")]);

        var feedback = await FeedbackAsync(learner, run);

        var item = feedback.GetProperty("items")[0];
        Assert.Equal("compile", item.GetProperty("kind").GetString());
        Assert.Equal("CS0103", item.GetProperty("code").GetString());
        Assert.Equal(7, item.GetProperty("line").GetInt32());
        Assert.Contains("'nmber'", item.GetProperty("explanation").GetString());
        Assert.Contains("declare it", item.GetProperty("explanation").GetString());
    }

    [Fact]
    public async Task A_python_NameError_is_explained()
    {
        var learner = host.Client(TestTokens.Learner());
        var run = await host.SubmitAsync(learner, "python-greet", mode: "run");
        await host.FinishAsync(run, RunVerdict.Failed, tests:
        [
            new TestResult("test_greets_by_name", TestStatus.Error, "NameError: name 'nme' is not defined"),
        ]);

        var item = (await FeedbackAsync(learner, run)).GetProperty("items")[0];

        Assert.Equal("runtime", item.GetProperty("kind").GetString());
        Assert.Equal("NameError", item.GetProperty("code").GetString());
        Assert.Equal("test_greets_by_name", item.GetProperty("test").GetString());
        Assert.Contains("Python does not know the name 'nme'", item.GetProperty("explanation").GetString());
    }

    [Fact]
    public async Task A_jest_mismatch_shows_expected_and_actual()
    {
        var learner = host.Client(TestTokens.Learner());
        var run = await host.SubmitAsync(learner, "javascript-capitalize-words", mode: "run");
        await host.FinishAsync(run, RunVerdict.Failed, tests:
        [
            new TestResult("capitalize > capitalizes each word", TestStatus.Fail,
                "\u001b[2mexpect(\u001b[22m\u001b[31mreceived\u001b[39m\u001b[2m).\u001b[22mtoBe\u001b[2m(\u001b[22m\u001b[32mexpected\u001b[39m\u001b[2m) // Object.is equality\u001b[22m\n\nExpected: \u001b[32m\"Hello World\"\u001b[39m\nReceived: \u001b[31m\"hello world\"\u001b[39m"),
        ]);

        var item = (await FeedbackAsync(learner, run)).GetProperty("items")[0];

        Assert.Equal("test", item.GetProperty("kind").GetString());
        Assert.Equal("\"Hello World\"", item.GetProperty("expected").GetString());
        Assert.Equal("\"hello world\"", item.GetProperty("actual").GetString());
        Assert.Contains("expected \"Hello World\" but your code gave \"hello world\"", item.GetProperty("explanation").GetString());
    }

    [Fact]
    public async Task Hints_are_released_after_two_failures_and_on_request_and_a_pass_after_them_says_so()
    {
        var learner = host.Client(TestTokens.Learner());
        for (var i = 0; i < 2; i++)
        {
            var failed = await host.SubmitAsync(learner, "python-greet");
            await host.FinishAsync(failed, RunVerdict.Failed);
        }

        var released = await LearningFixture.WaitForAsync(async () =>
        {
            var hints = await learner.GetFromJsonAsync<JsonElement>("/api/feedback/exercises/python-greet/hints");
            return (hints.GetProperty("hints").GetArrayLength() == 1, hints);
        }, what: "one hint after two failures");
        Assert.StartsWith("An f-string", released.GetProperty("hints")[0].GetString());
        Assert.Equal(2, released.GetProperty("hintsRemaining").GetInt32());

        using var next = await learner.PostAsync("/api/feedback/exercises/python-greet/hints/next", null);
        var revealed = await next.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal(2, revealed.GetProperty("hints").GetArrayLength());
        Assert.Equal(1, revealed.GetProperty("hintsRemaining").GetInt32());

        var passed = await host.SubmitAsync(learner, "python-greet");
        await host.FinishAsync(passed, RunVerdict.Passed);
        var exercise = await LearningFixture.WaitForAsync(async () =>
        {
            var e = LearningLoopTests.Exercise(await LearningLoopTests.ProgressAsync(learner), "python-greet");
            return (e?.GetProperty("completed").GetBoolean() == true, e);
        }, what: "completion");
        Assert.False(exercise!.Value.GetProperty("passedWithoutHints").GetBoolean());
        Assert.Equal(2, exercise.Value.GetProperty("hintsWhenCompleted").GetInt32());
        var feedback = await FeedbackAsync(learner, passed);
        Assert.Equal(2, feedback.GetProperty("hints").GetArrayLength());
    }

    [Fact]
    public async Task The_courses_instructors_and_admins_see_the_hints_released_to_a_learner_and_no_one_else_does()
    {
        var learnerId = TestTokens.NewUserId();
        var learner = host.Client(TestTokens.Learner(learnerId));
        using var next = await learner.PostAsync("/api/feedback/exercises/python-greet/hints/next", null);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);

        var seen = await host.Client(TestTokens.Admin()).GetFromJsonAsync<JsonElement>($"/api/feedback/exercises/python-greet/hints?userId={learnerId}");
        using var otherLearner = await host.Client(TestTokens.Learner()).GetAsync($"/api/feedback/exercises/python-greet/hints?userId={learnerId}");
        using var otherInstructor = await host.Client(TestTokens.Instructor()).GetAsync($"/api/feedback/exercises/python-greet/hints?userId={learnerId}");

        Assert.Equal(1, seen.GetProperty("hints").GetArrayLength());
        Assert.Equal(2, seen.GetProperty("hintsRemaining").GetInt32());
        Assert.Equal(HttpStatusCode.Forbidden, otherLearner.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, otherInstructor.StatusCode);
    }

    [Fact]
    public async Task Another_learners_run_feedback_is_404_and_unknown_exercise_hints_are_404()
    {
        var owner = host.Client(TestTokens.Learner());
        var other = host.Client(TestTokens.Learner());
        var run = await host.SubmitAsync(owner, "python-greet", mode: "run");
        await host.FinishAsync(run, RunVerdict.Failed);
        await FeedbackAsync(owner, run);

        using var foreign = await other.GetAsync($"/api/feedback/runs/{run}");
        using var unknown = await other.PostAsync("/api/feedback/exercises/nope/hints/next", null);

        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    private static Task<JsonElement> FeedbackAsync(HttpClient learner, string runId) =>
        LearningFixture.WaitForAsync(async () =>
        {
            using var response = await learner.GetAsync($"/api/feedback/runs/{runId}");
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return (false, default(JsonElement));
            }

            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            return (body.GetProperty("items").GetArrayLength() > 0 || body.GetProperty("verdict").GetString() == "Passed", body);
        }, what: $"feedback on {runId}");
}
