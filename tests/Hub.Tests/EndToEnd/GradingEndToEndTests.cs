using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LearningPlatform.Contracts.Runs;
using LearningPlatform.Contracts.Workbench;
using LearningPlatform.Hub.Features.Workbench;
using LearningPlatform.Hub.Tests.Features.Workbench;
using LearningPlatform.Services.Features.Exercises;
using LearningPlatform.Services.Tests;
using Microsoft.AspNetCore.SignalR.Client;
using static LearningPlatform.Services.Tests.Features.Catalog.CatalogApi;

namespace LearningPlatform.Hub.Tests.EndToEnd;

/// <summary>
/// Grades a learner cannot game, through the whole platform and the real runner: a wrong submission that prints and
/// raises with its hidden arguments leaks none of them on any channel a learner has (the REST result, the run by id,
/// its events, the hub's run events, a reopened session, feedback) and completes nothing, while the course's
/// instructors and admins see every check's details; and saving an exercise runs its reference and starter.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class GradingEndToEndTests(EndToEndFixture fixture)
{
    // Only python-greet's hidden checks hold these ("  Grace ", "Ada Lovelace"); its visible tests use "Ada" and "".
    private static readonly string[] Secrets = ["Grace", "Lovelace"];

    private const string SnoopingWrongGreet = """
        import sys

        def greet(name):
            print("ARG", repr(name))
            print("ARG", repr(name), file=sys.stderr)
            if name == "Ada":
                return "Hello, Ada!"
            if name == "":
                return "Hello, World!"
            raise ValueError("got %r" % (name,))
        """;

    [Fact]
    public async Task A_wrong_submission_leaks_no_hidden_check_on_any_learner_channel_and_completes_nothing()
    {
        var learnerId = TestTokens.NewUserId();
        var learnerToken = TestTokens.Learner(learnerId);
        using var learner = fixture.Platform.Client(learnerToken);
        using var admin = fixture.Platform.Client(TestTokens.Admin());
        var seen = new List<string>();

        // The hub: open the exercise, type the code, submit, follow the run's events.
        await using var hub = await ConnectAsync(learnerToken);
        var runEvents = new Inbox<RunEventMessage>(hub, "RunEvent");
        var session = await hub.InvokeAsync<SessionSnapshot>("OpenExercise", "python-greet");
        var file = session.Files.Single();
        var edit = await hub.InvokeAsync<EditResult>("ApplyEdits", session.SessionId, file.Name, session.Version,
            new[] { new ContentChange(0, file.Content.Length, SnoopingWrongGreet) });
        Assert.True(edit.Accepted, edit.Error);
        var runId = await hub.InvokeAsync<string>("Submit", session.SessionId);
        RunEventMessage last;
        do
        {
            last = await runEvents.NextAsync(e => e.RunId == runId, TimeSpan.FromSeconds(60));
            seen.Add(last.EventJson);
        }
        while (last.Type != "finished");
        var result = Assert.IsType<RunFinished>(last.Parse()).Result;
        Assert.Equal(RunVerdict.Failed, result.Verdict);
        Assert.True(result.Graded);
        Assert.Equal(4, result.Checks!.Count);
        Assert.Contains(result.Checks, c => c.Status == TestStatus.Fail && c.Description == "drops the spaces around a name");
        Assert.Contains("ARG 'Ada'", result.Output, StringComparison.Ordinal); // the visible tests' output is the learner's

        // The same run over REST, as the learner: by id, its events, its feedback.
        seen.Add(await learner.GetStringAsync($"/api/runs/{runId}"));
        seen.Add(await learner.GetStringAsync($"/api/runs/{runId}/events"));
        var feedback = await WaitForAsync(() => learner.GetAsync($"/api/feedback/runs/{runId}"));
        seen.Add(feedback);
        Assert.Contains("Hidden check 1 of 4 failed", feedback, StringComparison.Ordinal);

        // A reopened session shows the last run.
        await using var again = await ConnectAsync(learnerToken);
        var reopened = await again.InvokeAsync<SessionSnapshot>("OpenExercise", "python-greet");
        Assert.Equal(runId, reopened.LastRun?.RunId);
        seen.Add(JsonSerializer.Serialize(reopened));

        // A REST submit of the same code, waiting for the verdict.
        using var rest = await learner.PostAsJsonAsync("/api/runs?wait=true",
            new { exerciseId = "python-greet", mode = "submit", files = new[] { new { name = file.Name, content = SnoopingWrongGreet } } });
        Assert.Equal(HttpStatusCode.OK, rest.StatusCode);
        seen.Add(await rest.Content.ReadAsStringAsync());

        // The learner's exercise view.
        seen.Add(await learner.GetStringAsync("/api/exercises/python-greet"));

        foreach (var text in seen)
        {
            foreach (var secret in Secrets)
            {
                Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            }
        }

        // The admin sees what the checks got and why they failed.
        var full = await admin.GetStringAsync($"/api/runs/{runId}");
        Assert.Contains("Grace", full, StringComparison.Ordinal);
        Assert.Contains("checkDetails", full, StringComparison.Ordinal);

        // Progress: attempted, not completed.
        var progress = await WaitForJsonAsync(learner, "/api/progress/me", p => p.GetProperty("courses").GetArrayLength() > 0);
        var exercise = progress.GetProperty("courses")[0].GetProperty("exercises")[0];
        Assert.False(exercise.GetProperty("completed").GetBoolean());
        Assert.Equal(0, progress.GetProperty("summary").GetProperty("exercisesCompleted").GetInt32());
    }

    [Fact]
    public async Task Saving_an_exercise_runs_its_reference_and_starter_and_refuses_either_mistake()
    {
        using var owner = fixture.Platform.Client(TestTokens.Instructor());
        var course = await CreateCourseAsync(owner, NewCourse("grading-" + Guid.NewGuid().ToString("N")[..8]));
        CreateExercise.Request Exercise(string solution, string starter) => new(
            course.Id, "basics", "Double it", "Return twice the number.", "python",
            [new FileContent("double.py", starter)],
            [new FileContent("test_double.py", "from double import double\n\ndef test_two():\n    assert double(2) == 4\n")],
            null,
            [new HiddenCheck("double.double", [JsonSerializer.SerializeToElement(-3)], Expected: JsonSerializer.SerializeToElement(-6), Description: "a negative number")],
            [new FileContent("double.py", solution)],
            ["Multiply by two."], ["variables"], [], new ExerciseLimits(2000, 128));
        const string good = "def double(n):\n    return n * 2\n";
        const string stub = "def double(n):\n    raise NotImplementedError\n";

        using var badReference = await owner.PostAsJsonAsync("/api/exercises", Exercise("def double(n):\n    return 4\n", stub));
        using var passingStarter = await owner.PostAsJsonAsync("/api/exercises", Exercise(good, good));
        using var fine = await owner.PostAsJsonAsync("/api/exercises", Exercise(good, stub));

        var referenceErrors = await AssertValidationProblemAsync(badReference);
        Assert.Contains("failing hidden checks: 1", Assert.Single(referenceErrors["solution"]), StringComparison.Ordinal);
        Assert.Contains("starterFiles", (await AssertValidationProblemAsync(passingStarter)).Keys);
        Assert.Equal(HttpStatusCode.Created, fine.StatusCode);
    }

    private async Task<HubConnection> ConnectAsync(string token)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(PlatformFixture.Address(fixture.Platform.Hub.Services) + WorkbenchFeature.Path, o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        await connection.StartAsync();
        return connection;
    }

    private static async Task<string> WaitForAsync(Func<Task<HttpResponseMessage>> get)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var response = await get();
            if (response.IsSuccessStatusCode || DateTime.UtcNow > deadline)
            {
                Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                return await response.Content.ReadAsStringAsync();
            }

            await Task.Delay(100);
        }
    }

    private static async Task<JsonElement> WaitForJsonAsync(HttpClient client, string path, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var json = await client.GetFromJsonAsync<JsonElement>(path);
            if (done(json) || DateTime.UtcNow > deadline)
            {
                return json;
            }

            await Task.Delay(100);
        }
    }
}
