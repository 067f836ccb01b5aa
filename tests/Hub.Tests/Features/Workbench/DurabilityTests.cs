using LearningPlatform.Contracts.Workbench;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace LearningPlatform.Hub.Tests.Features.Workbench;

/// <summary>
/// Accepted means durable: a learner's text is written through to the document store, so a Redis that loses its
/// sessions (emptied, a new instance) gives them back from there — by reopening the exercise or resuming the session.
/// </summary>
[Collection(WorkbenchCollection.Name)]
public sealed class DurabilityTests(WorkbenchFixture fixture)
{
    private const string Edited = "# kept\ndef add(a, b):\n    return 0";

    /// Redis loses every workbench key of this deployment (the rest of the shared test host keeps running).
    private async Task EmptyWorkbenchKeysAsync()
    {
        var redis = fixture.Hub.Services.GetRequiredService<IConnectionMultiplexer>();
        var keys = redis.GetServers()[0].Keys(pattern: fixture.Platform.HubSettings["Redis:KeyPrefix"] + "workbench:*").ToArray();
        Assert.NotEmpty(keys);
        await redis.GetDatabase().KeyDeleteAsync(keys);
    }

    private static async Task<SessionSnapshot> OpenAndEditAsync(HubConnection learner, string exerciseId)
    {
        var session = await learner.InvokeAsync<SessionSnapshot>("OpenExercise", exerciseId);
        var edit = await learner.InvokeAsync<EditResult>("ApplyEdits", session.SessionId, WorkbenchFixture.StarterFile, 0L,
            new[] { new ContentChange(0, 0, "# kept\n") });
        Assert.True(edit.Accepted, edit.Error);
        return session;
    }

    [Fact]
    public async Task Text_typed_two_seconds_before_Redis_is_emptied_comes_back_when_the_exercise_is_reopened()
    {
        var token = WorkbenchFixture.NewLearnerToken(out _);
        await using var learner = await fixture.ConnectAsync(token);
        var session = await OpenAndEditAsync(learner, fixture.ExerciseId);
        await fixture.Hub.UntilSavedAsync(session.SessionId, 1);

        await EmptyWorkbenchKeysAsync();
        await using var again = await fixture.ConnectAsync(token);
        var reopened = await again.InvokeAsync<SessionSnapshot>("OpenExercise", fixture.ExerciseId);

        Assert.Equal(session.SessionId, reopened.SessionId);
        Assert.True(reopened.Version > 1, "a restored session continues past every version given out before");
        Assert.Equal(Edited, reopened.Files[0].Content);
    }

    [Fact]
    public async Task A_session_Redis_lost_is_resumed_from_the_document_store_with_a_snapshot()
    {
        await using var learner = await fixture.ConnectAsync(WorkbenchFixture.NewLearnerToken(out _));
        var session = await OpenAndEditAsync(learner, fixture.ExerciseId);
        await fixture.Hub.UntilSavedAsync(session.SessionId, 1);

        await EmptyWorkbenchKeysAsync();
        // A client that had not seen the edit (another tab): the history is gone, so it gets the saved text whole.
        var resumed = await learner.InvokeAsync<ResumeResult>("Resume", session.SessionId, 0L);

        Assert.True(resumed.Version > 1);
        Assert.Equal(Edited, Assert.Single(resumed.Snapshot!.Files).Content);
        // and the session goes on from there
        var next = await learner.InvokeAsync<EditResult>("ApplyEdits", session.SessionId, WorkbenchFixture.StarterFile, resumed.Version, new[] { new ContentChange(0, 0, "#") });
        Assert.True(next.Accepted, next.Error);
    }

    [Fact]
    public async Task An_edit_on_a_connection_whose_session_Redis_lost_gets_the_saved_copy_to_build_on()
    {
        await using var learner = await fixture.ConnectAsync(WorkbenchFixture.NewLearnerToken(out _));
        var session = await OpenAndEditAsync(learner, fixture.ExerciseId);
        await fixture.Hub.UntilSavedAsync(session.SessionId, 1);
        await EmptyWorkbenchKeysAsync();

        var refused = await learner.InvokeAsync<EditResult>("ApplyEdits", session.SessionId, WorkbenchFixture.StarterFile, 1L, new[] { new ContentChange(0, 0, "# more\n") });

        Assert.False(refused.Accepted);
        Assert.True(refused.Restored);
        Assert.Equal(Edited, refused.Snapshot!.Files[0].Content);
        var again = await learner.InvokeAsync<EditResult>("ApplyEdits", session.SessionId, WorkbenchFixture.StarterFile, refused.Version, new[] { new ContentChange(0, 0, "# more\n") });
        Assert.True(again.Accepted, again.Error);
        Assert.True(again.Version > 1);
    }

    [Fact]
    public async Task Leaving_saves_at_once()
    {
        // A hub that would save on its own only after a minute: within the wait below, only the save on leaving can.
        using var slowSaves = fixture.Platform.NewHub(new() { ["Workbench:BackupDelay"] = "00:01:00" });
        var token = WorkbenchFixture.NewLearnerToken(out _);
        var learner = await fixture.ConnectAsync(token, slowSaves);
        var session = await OpenAndEditAsync(learner, fixture.ExerciseId);

        await learner.DisposeAsync();
        await slowSaves.UntilSavedAsync(session.SessionId, 1);

        await EmptyWorkbenchKeysAsync();
        await using var again = await fixture.ConnectAsync(token);
        var reopened = await again.InvokeAsync<SessionSnapshot>("OpenExercise", fixture.ExerciseId);

        Assert.Equal(Edited, reopened.Files[0].Content);
    }

    [Fact]
    public async Task Someone_elses_saved_session_is_not_resumed()
    {
        await using var owner = await fixture.ConnectAsync(WorkbenchFixture.NewLearnerToken(out _));
        var session = await OpenAndEditAsync(owner, fixture.ExerciseId);
        await fixture.Hub.UntilSavedAsync(session.SessionId, 1);
        await EmptyWorkbenchKeysAsync();

        await using var other = await fixture.ConnectAsync(WorkbenchFixture.NewLearnerToken(out _));
        var refused = await Assert.ThrowsAsync<HubException>(() => other.InvokeAsync<ResumeResult>("Resume", session.SessionId, 0L));

        Assert.Contains("No session", refused.Message, StringComparison.Ordinal);
    }
}
