using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LearningPlatform.Contracts.Events;
using LearningPlatform.Contracts.Runs;
using LearningPlatform.ServiceDefaults.Events;
using LearningPlatform.Services.Tests.Features.Users;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace LearningPlatform.Services.Tests.Features.Runs;

/// <summary>
/// The Runs API up to the runner's streams: what it queues, what it refuses, and how it takes a runner's result.
/// (Runs through a real runner are in tests/RunnerHost.Tests and the Hub's end-to-end tests.)
/// </summary>
[Collection(ServicesCollection.Name)]
public sealed class RunsApiTests(ServicesFixture services)
{
    [Fact]
    public async Task Run_queues_the_learners_file_with_the_visible_tests_only()
    {
        var (client, _) = await LearnerAsync();

        var accepted = await SubmitAsync(client, new { exerciseId = "python-greet", mode = "run", files = new[] { new { name = "greeting.py", content = "def greet(n): return 'x'" } } });

        var request = await QueuedRequestAsync(accepted);
        Assert.Equal(RunLanguage.Python, request.Language);
        Assert.Equal(["greeting.py", "test_greeting.py"], request.Files.Select(f => f.Name));
        Assert.Equal("def greet(n): return 'x'", request.Files[0].Content);
        Assert.False(request.Files[0].IsTest);
        Assert.True(request.Files[1].IsTest);
    }

    [Fact]
    public async Task Submit_queues_the_hidden_checks_and_limits_and_keeps_starter_content_for_files_not_sent()
    {
        var (client, _) = await LearnerAsync();

        var submitted = await QueuedRequestAsync(await SubmitAsync(client, new { exerciseId = "python-greet", mode = "submit", files = Array.Empty<object>() }));
        var run = await QueuedRequestAsync(await SubmitAsync(client, new { exerciseId = "python-greet", mode = "run" }));

        // No hidden file goes to the runner any more: the checks travel as data, judged by the runner outside the sandbox.
        Assert.Equal(["greeting.py", "test_greeting.py"], submitted.Files.Select(f => f.Name));
        Assert.Contains("raise NotImplementedError", submitted.Files[0].Content);
        Assert.Equal(4, submitted.Checks!.Count);
        Assert.Equal("greeting.greet", submitted.Checks[0].Call);
        Assert.Equal(new RunLimits(5000, 256), submitted.Limits);
        Assert.Null(run.Checks);
        Assert.Equal(new RunLimits(5000, 256), run.Limits);
        Assert.Equal((RunMode.Submit, RunMode.Run), (submitted.Mode, run.Mode));
        // The account's age from the learner's token: the runner lets young accounts share one lane.
        Assert.InRange(submitted.AccountCreatedAt!.Value, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Theory]
    [InlineData("conftest.py")]
    [InlineData("test_greeting.py")]
    [InlineData("../greeting.py")]
    public async Task Learners_cannot_add_or_replace_files_beyond_the_exercises_own(string name)
    {
        var (client, _) = await LearnerAsync();

        using var response = await client.PostAsJsonAsync("/api/runs", new { exerciseId = "python-greet", mode = "submit", files = new[] { new { name, content = "x" } } });

        var fields = await UsersApi.ValidationErrorsAsync(response);
        Assert.Contains("files", fields);
    }

    [Fact]
    public async Task Ad_hoc_runs_are_for_instructors_and_admins_only()
    {
        var (learner, _) = await LearnerAsync();
        var admin = services.Client((await UsersApi.AdminLoginAsync(services.Client())).AccessToken);
        var body = new { language = "python", files = new[] { new { name = "a.py", content = "x = 1" } }, tests = new[] { new { name = "test_a.py", content = "def test_a(): assert True" } } };

        using var refused = await learner.PostAsJsonAsync("/api/runs", body);
        var accepted = await SubmitAsync(admin, body);

        Assert.Contains("exerciseId", await UsersApi.ValidationErrorsAsync(refused));
        Assert.Equal(["a.py", "test_a.py"], (await QueuedRequestAsync(accepted)).Files.Select(f => f.Name));
    }

    [Fact]
    public async Task Unknown_exercise_is_404_and_bad_mode_is_400()
    {
        var (client, _) = await LearnerAsync();

        using var unknown = await client.PostAsJsonAsync("/api/runs", new { exerciseId = "nope", mode = "run" });
        using var badMode = await client.PostAsJsonAsync("/api/runs", new { exerciseId = "python-greet", mode = "grade-me-passed" });

        await UsersApi.ProblemAsync(unknown, HttpStatusCode.NotFound);
        Assert.Contains("mode", await UsersApi.ValidationErrorsAsync(badMode));
    }

    [Fact]
    public async Task Oversized_files_are_refused_with_field_errors()
    {
        var (client, _) = await LearnerAsync();

        using var response = await client.PostAsJsonAsync("/api/runs", new { exerciseId = "python-greet", files = new[] { new { name = "greeting.py", content = new string('#', 70_000) } } });

        Assert.Contains("files", await UsersApi.ValidationErrorsAsync(response));
    }

    [Fact]
    public async Task A_runners_result_is_stored_once_and_a_submission_evaluated_once_even_when_delivered_twice()
    {
        var (client, _) = await LearnerAsync();
        var accepted = await SubmitAsync(client, new { exerciseId = "python-greet", mode = "submit" });
        var runId = accepted.GetProperty("runId").GetString()!;
        var publisher = services.Services.GetRequiredService<IEventPublisher>();
        var first = Result(runId, RunVerdict.Failed);

        // What a runner publishes, twice (a reclaimed run), the second time with another verdict.
        await publisher.PublishAsync(new RunCompleted(first), eventId: runId);
        await publisher.PublishAsync(new RunCompleted(Result(runId, RunVerdict.Passed)), eventId: runId + "-again");

        var run = await WaitForAsync(async () =>
        {
            var view = await client.GetFromJsonAsync<JsonElement>($"/api/runs/{runId}");
            return (view.GetProperty("status").GetString() == "finished", view);
        });
        Assert.Equal("failed", run.GetProperty("result").GetProperty("verdict").GetString());
        var evaluated = await WaitForAsync(async () =>
        {
            var entries = await Redis().StreamRangeAsync(services.RedisPrefix + "events:submission-evaluated");
            var mine = entries.Where(e => ((string?)e["payload"])!.Contains(runId)).ToArray();
            return (mine.Length > 0, mine);
        });
        Assert.Single(evaluated);
        Assert.Equal(runId, (string?)evaluated[0]["id"]);
    }

    [Fact]
    public async Task Another_learners_run_answers_404()
    {
        var (owner, _) = await LearnerAsync();
        var (other, _) = await LearnerAsync();
        var accepted = await SubmitAsync(owner, new { exerciseId = "python-greet" });
        var runId = accepted.GetProperty("runId").GetString();

        using var response = await other.GetAsync($"/api/runs/{runId}");
        using var events = await other.GetAsync($"/api/runs/{runId}/events");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, events.StatusCode);
    }

    private async Task<(HttpClient Client, string UserId)> LearnerAsync()
    {
        var (user, tokens) = await UsersApi.NewLearnerAsync(services.Client());
        return (services.Client(tokens.AccessToken), user.Id);
    }

    private static async Task<JsonElement> SubmitAsync(HttpClient client, object body)
    {
        using var response = await client.PostAsJsonAsync("/api/runs", body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<RunRequest> QueuedRequestAsync(JsonElement accepted)
    {
        var runId = accepted.GetProperty("runId").GetString();
        var entries = await Redis().StreamRangeAsync(services.RedisPrefix + RunStreams.Requests);
        var request = entries
            .Select(e => JsonSerializer.Deserialize<RunRequest>((string)e[RunStreams.RequestField]!, RunJson.Options)!)
            .Single(r => r.RunId == runId);
        return request;
    }

    private IDatabase Redis() => services.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();

    private static RunResult Result(string runId, RunVerdict verdict) => new(
        runId, 3, verdict == RunVerdict.Passed ? TestStatus.Pass : TestStatus.Fail, null,
        [new TestResult("test_greets_by_name", verdict == RunVerdict.Passed ? TestStatus.Pass : TestStatus.Fail)],
        verdict, [], new RunTimings(1, 0, 2, 3), new ResourceUsage(null, null, null));

    private static async Task<T> WaitForAsync<T>(Func<Task<(bool Done, T Value)>> probe)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var (done, value) = await probe();
            if (done)
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, "condition not reached in 15 s");
            await Task.Delay(25);
        }
    }
}
