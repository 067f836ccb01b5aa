using LearningPlatform.Contracts.Workbench;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace LearningPlatform.Hub.Tests.Features.Workbench;

/// <summary>Over a limit: a clear HubException, and the connection and the session stay healthy.</summary>
[Collection(WorkbenchCollection.Name)]
public sealed class LimitTests(WorkbenchFixture fixture)
{
    [Fact]
    public async Task An_edit_flood_gets_a_HubException_then_the_connection_still_works()
    {
        await using var learner = await fixture.ConnectAsync(WorkbenchFixture.NewLearnerToken(out _));
        var session = await learner.InvokeAsync<SessionSnapshot>("OpenExercise", fixture.ExerciseId);

        var version = 0L;
        HubException? refused = null;
        for (var i = 0; i < 200 && refused is null; i++)
        {
            try
            {
                var result = await learner.InvokeAsync<EditResult>("ApplyEdits", session.SessionId, WorkbenchFixture.StarterFile, version, new[] { new ContentChange(0, 0, "x") });
                Assert.True(result.Accepted);
                version = result.Version;
            }
            catch (HubException e)
            {
                refused = e;
            }
        }

        Assert.NotNull(refused);
        Assert.Contains("Too many edits", refused.Message);
        Assert.Equal(HubConnectionState.Connected, learner.State);
        // The bucket refills: within a few seconds the same connection edits again, from the version it knew.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        EditResult? after = null;
        while (after is null && DateTime.UtcNow < deadline)
        {
            try
            {
                after = await learner.InvokeAsync<EditResult>("ApplyEdits", session.SessionId, WorkbenchFixture.StarterFile, version, new[] { new ContentChange(0, 0, "y") });
            }
            catch (HubException)
            {
                await Task.Yield();
            }
        }

        Assert.NotNull(after);
        Assert.True(after.Accepted);
        var reopened = await learner.InvokeAsync<SessionSnapshot>("OpenExercise", fixture.ExerciseId);
        Assert.Equal("y" + new string('x', (int)version) + WorkbenchFixture.StarterText, reopened.Files[0].Content);
    }

    [Fact]
    public async Task Too_large_a_file_and_too_many_changes_are_refused_and_the_session_is_unchanged()
    {
        await using var learner = await fixture.ConnectAsync(WorkbenchFixture.NewLearnerToken(out _));
        var session = await learner.InvokeAsync<SessionSnapshot>("OpenExercise", fixture.ExerciseId);

        var tooLarge = await Assert.ThrowsAsync<HubException>(() => learner.InvokeAsync<EditResult>(
            "ApplyEdits", session.SessionId, WorkbenchFixture.StarterFile, 0L, new[] { new ContentChange(0, 0, new string('a', 64 * 1024)) }));
        var tooMany = await Assert.ThrowsAsync<HubException>(() => learner.InvokeAsync<EditResult>(
            "ApplyEdits", session.SessionId, WorkbenchFixture.StarterFile, 0L, Enumerable.Range(0, 201).Select(_ => new ContentChange(0, 0, "a")).ToArray()));
        var none = await Assert.ThrowsAsync<HubException>(() => learner.InvokeAsync<EditResult>(
            "ApplyEdits", session.SessionId, WorkbenchFixture.StarterFile, 0L, Array.Empty<ContentChange>()));

        Assert.Contains("limit is 65536", tooLarge.Message);
        Assert.Contains("at most 200 changes", tooMany.Message);
        Assert.Contains("at least one change", none.Message);
        var reopened = await learner.InvokeAsync<SessionSnapshot>("OpenExercise", fixture.ExerciseId);
        Assert.Equal((0L, WorkbenchFixture.StarterText), (reopened.Version, reopened.Files[0].Content));
    }

    [Fact]
    public async Task A_message_over_the_size_limit_ends_only_that_connection_and_the_session_is_intact()
    {
        var token = WorkbenchFixture.NewLearnerToken(out _);
        await using var learner = await fixture.ConnectAsync(token);
        var session = await learner.InvokeAsync<SessionSnapshot>("OpenExercise", fixture.ExerciseId);
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        learner.Closed += e => { closed.TrySetResult(e); return Task.CompletedTask; };

        // 1 MiB: over Workbench:MaxMessageBytes (512 KiB). SignalR cannot read half a frame, so it ends the connection.
        await Assert.ThrowsAnyAsync<Exception>(() => learner.InvokeAsync<EditResult>(
            "ApplyEdits", session.SessionId, WorkbenchFixture.StarterFile, 0L, new[] { new ContentChange(0, 0, new string('a', 1024 * 1024)) }));
        await closed.Task.WaitAsync(Inbox<object>.Timeout);

        await using var again = await fixture.ConnectAsync(token);
        var reopened = await again.InvokeAsync<SessionSnapshot>("OpenExercise", fixture.ExerciseId);
        Assert.Equal((0L, WorkbenchFixture.StarterText), (reopened.Version, reopened.Files[0].Content));
    }

    [Fact]
    public async Task Unauthenticated_connections_are_refused()
    {
        var connection = fixture.Build(token: null);
        var badToken = fixture.Build(TestJwt.Create("x", ["learner"], signingKey: "another-signing-key-0123456789abcdef0123"));

        var anonymous = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync());
        var forged = await Assert.ThrowsAsync<HttpRequestException>(() => badToken.StartAsync());

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, forged.StatusCode);
    }
}

/// <summary>A hub host with a lowered connection limit: beyond it, new connections get 503; existing ones work on.</summary>
[Collection(WorkbenchCollection.Name)]
public sealed class ConnectionLimitTests(WorkbenchFixture fixture)
{
    [Fact]
    public async Task Beyond_MaxConnections_new_connections_are_refused_and_existing_ones_keep_working()
    {
        using var hub = fixture.Platform.NewHub(new() { ["Workbench:MaxConnections"] = "2", ["Diagnostics:WarmUpOnStart"] = "false" });
        var token = WorkbenchFixture.NewLearnerToken(out _);
        await using var first = await fixture.ConnectAsync(token, hub);
        await using var second = await fixture.ConnectAsync(token, hub);

        var third = fixture.Build(token, hub);
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => third.StartAsync());

        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        var session = await first.InvokeAsync<SessionSnapshot>("OpenExercise", fixture.ExerciseId);
        var edit = await second.InvokeAsync<ResumeResult>("Resume", session.SessionId, 0L);
        Assert.Equal(0, edit.Version);

        // A connection that goes makes room (the server counts it out when it sees the close).
        await first.DisposeAsync();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        HubConnection? fourth = null;
        while (fourth is null)
        {
            var attempt = fixture.Build(token, hub);
            try
            {
                await attempt.StartAsync();
                fourth = attempt;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                await attempt.DisposeAsync();
                await Task.Yield();
            }
        }

        await using (fourth)
        {
            Assert.Equal(fixture.ExerciseId, (await fourth.InvokeAsync<SessionSnapshot>("OpenExercise", fixture.ExerciseId)).ExerciseId);
        }
    }
}
