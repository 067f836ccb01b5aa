using System.Net.Http.Json;
using System.Text.Json;
using LearningPlatform.Contracts.Runs;
using LearningPlatform.Contracts.Workbench;
using LearningPlatform.Hub.Features.Workbench;
using LearningPlatform.Hub.Tests.Features.Workbench;
using LearningPlatform.Services.Tests;
using Microsoft.AspNetCore.SignalR.Client;

namespace LearningPlatform.Hub.Tests.EndToEnd;

/// <summary>
/// The end-to-end story with real parts only: a learner edits a C# exercise into an error and sees the
/// marker, fixes it and sees it cleared, submits and receives each test's result and the verdict from the real
/// runner, while an admin connected to a second Hub instance watches live and then replays the edits.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class WorkbenchEndToEndTests(EndToEndFixture fixture)
{
    [Fact]
    public async Task Learner_edits_sees_markers_submits_and_a_watcher_on_another_hub_follows_and_replays()
    {
        var (learnerToken, adminToken) = (await RegisterLearnerAsync(), await AdminTokenAsync());
        using var adminHttp = fixture.Platform.Client(adminToken);
        var exercise = await adminHttp.GetFromJsonAsync<JsonElement>("/api/exercises/csharp-fizzbuzz/full");
        var solutionFile = exercise.GetProperty("solution")[0];
        var (fileName, solution) = (solutionFile.GetProperty("name").GetString()!, solutionFile.GetProperty("content").GetString()!);

        await using var learner = await ConnectAsync(fixture.Platform.Hub, learnerToken);
        var diagnostics = new Inbox<DiagnosticsMessage>(learner, "Diagnostics");
        var runEvents = new Inbox<RunEventMessage>(learner, "RunEvent");
        var session = await learner.InvokeAsync<SessionSnapshot>("OpenExercise", "csharp-fizzbuzz");
        var text = session.Files.Single(f => f.Name == fileName).Content;

        using var secondHub = fixture.Platform.NewHub();
        await using var watcher = await ConnectAsync(secondHub, adminToken);
        var watchedEdits = new Inbox<EditNotification>(watcher, "Edited");
        var watchedRun = new Inbox<RunEventMessage>(watcher, "RunEvent");
        await watcher.InvokeAsync<SessionSnapshot>("WatchSession", session.SessionId);

        // Edit into a type error: the compiler layer reports CS0029.
        var broken = solution + "\nclass Broken { int X = \"not a number\"; }\n";
        var v1 = await ReplaceAllAsync(learner, session.SessionId, fileName, session.Version, text, broken);
        var error = await diagnostics.NextAsync(d => d.Version == v1 && d.Layer == DiagnosticsLayer.Compiler && d.Markers.Any(m => m.Code == "CS0029"));
        Assert.Equal(MarkerSeverity.Error, error.Markers.First(m => m.Code == "CS0029").Severity);

        // Fix it: the compiler layer for the new version has no errors.
        var v2 = await ReplaceAllAsync(learner, session.SessionId, fileName, v1, broken, solution);
        await diagnostics.NextAsync(d => d.Version == v2 && d.Layer == DiagnosticsLayer.Compiler && d.Markers.All(m => m.Severity != MarkerSeverity.Error), TimeSpan.FromSeconds(30));

        // The watcher on the other hub saw both edits live.
        Assert.Equal(v1, (await watchedEdits.NextAsync(e => e.Edit.Version == v1)).Edit.Version);
        Assert.Equal(v2, (await watchedEdits.NextAsync(e => e.Edit.Version == v2)).Edit.Version);

        // Submit: each test's result arrives, then the verdict; the watcher gets the same events.
        var runId = await learner.InvokeAsync<string>("Submit", session.SessionId);
        var received = new List<RunEventMessage>();
        do
        {
            received.Add(await runEvents.NextAsync(e => e.RunId == runId, TimeSpan.FromSeconds(60)));
        }
        while (received[^1].Type != "finished");
        var result = Assert.IsType<RunFinished>(received[^1].Parse()).Result;
        Assert.True(result.Verdict == RunVerdict.Passed, string.Join("; ", result.Tests.Select(t => $"{t.Name}: {t.Status} {t.Message}")));
        Assert.Equal(result.Tests.Count, received.Count(e => e.Type == "test_finished"));
        Assert.Equal("finished", (await watchedRun.NextAsync(e => e.RunId == runId && e.Type == "finished", TimeSpan.FromSeconds(60))).Type);

        // Replay gives back the recorded edits in order.
        var replayed = new List<EditRecord>();
        await foreach (var edit in watcher.StreamAsync<EditRecord>("ReplaySession", session.SessionId, (DateTimeOffset?)null, (DateTimeOffset?)null))
        {
            replayed.Add(edit);
        }

        Assert.Equal([v1, v2], replayed.Select(e => e.Version));
    }

    private static async Task<long> ReplaceAllAsync(HubConnection connection, string sessionId, string file, long baseVersion, string oldText, string newText)
    {
        var result = await connection.InvokeAsync<EditResult>("ApplyEdits", sessionId, file, baseVersion, new[] { new ContentChange(0, oldText.Length, newText) });
        Assert.True(result.Accepted, result.Error);
        return result.Version;
    }

    private static async Task<HubConnection> ConnectAsync(PlatformFixture.HubFactory hub, string token)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(PlatformFixture.Address(hub.Services) + WorkbenchFeature.Path, o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        await connection.StartAsync();
        return connection;
    }

    private async Task<string> RegisterLearnerAsync()
    {
        using var client = fixture.Platform.Client();
        var email = $"e2e-{Guid.NewGuid():N}@example.test";
        (await client.PostAsJsonAsync("/api/auth/register", new { email, password = "Correct-horse-42", displayName = "E2E" })).EnsureSuccessStatusCode();
        return await LoginAsync(email, "Correct-horse-42");
    }

    private Task<string> AdminTokenAsync() => LoginAsync(ServicesFixture.AdminEmail, ServicesFixture.AdminPassword);

    private async Task<string> LoginAsync(string email, string password)
    {
        using var response = await fixture.Platform.Client().PostAsJsonAsync("/api/auth/login", new { email, password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }
}
