using LearningPlatform.Contracts.Workbench;
using Microsoft.AspNetCore.SignalR.Client;

namespace LearningPlatform.Hub.Tests.Features.Workbench;

/// <summary>Instructors list, watch (across hub processes), replay and hint; live diagnostics reach learner and watcher.</summary>
[Collection(WorkbenchCollection.Name)]
public sealed class InstructorTests(WorkbenchFixture fixture)
{
    [Fact]
    public async Task A_watcher_on_a_second_hub_receives_the_learners_edits_live_and_the_hint_reaches_the_learner()
    {
        await using var learner = await fixture.ConnectAsync(WorkbenchFixture.NewLearnerToken(out _), fixture.Hub);
        await using var instructor = await fixture.ConnectAsync(fixture.InstructorToken, fixture.SecondHub);
        var edited = new Inbox<EditNotification>(instructor, "Edited");
        var watchedDiagnostics = new Inbox<DiagnosticsMessage>(instructor, "Diagnostics");
        var hints = new Inbox<HintMessage>(learner, "Hint");
        var session = await learner.InvokeAsync<SessionSnapshot>("OpenExercise", fixture.ExerciseId);
        await learner.InvokeAsync<EditResult>("ApplyEdits", session.SessionId, WorkbenchFixture.StarterFile, 0L, new[] { new ContentChange(0, 0, "# before\n") });

        var watched = await instructor.InvokeAsync<SessionSnapshot>("WatchSession", session.SessionId);
        // An edit into a syntax error: the watcher gets the edit and the learner's new markers.
        await learner.InvokeAsync<EditResult>("ApplyEdits", session.SessionId, WorkbenchFixture.StarterFile, 1L, new[] { new ContentChange(0, 0, "def (:\n") });
        var live = await edited.NextAsync(n => n.SessionId == session.SessionId && n.Edit.Version > watched.Version);
        var markers = await watchedDiagnostics.NextAsync(d => d.Version == 2 && d.Layer == DiagnosticsLayer.Syntax, TimeSpan.FromSeconds(60));
        await instructor.InvokeAsync("SendHint", session.SessionId, "Look at the return statement.");
        var hint = await hints.NextAsync();

        Assert.Equal(1, watched.Version);
        Assert.StartsWith("# before\n", watched.Files[0].Content);
        Assert.Equal(2, live.Edit.Version);
        Assert.Equal(WorkbenchFixture.StarterFile, live.Edit.File);
        Assert.Equal("def (:\n", Assert.Single(live.Edit.Changes).Text);
        Assert.Equal((session.SessionId, "Look at the return statement.", fixture.InstructorId), (hint.SessionId, hint.Text, hint.FromUserId));
        Assert.Equal((session.SessionId, WorkbenchFixture.StarterFile), (markers.SessionId, markers.File));
        Assert.Contains(markers.Markers, m => m.Severity == MarkerSeverity.Error && m.StartLineNumber == 1);

        // After StopWatching the next edit does not arrive; watching again, the one after does, and nothing before it.
        await instructor.InvokeAsync("StopWatching", session.SessionId);
        await learner.InvokeAsync<EditResult>("ApplyEdits", session.SessionId, WorkbenchFixture.StarterFile, 2L, new[] { new ContentChange(0, 0, "#") });
        await instructor.InvokeAsync<SessionSnapshot>("WatchSession", session.SessionId);
        await learner.InvokeAsync<EditResult>("ApplyEdits", session.SessionId, WorkbenchFixture.StarterFile, 3L, new[] { new ContentChange(0, 0, "#") });
        Assert.Equal(4, (await edited.NextAsync()).Edit.Version);
    }

    [Fact]
    public async Task ReplaySession_streams_the_recorded_edits_in_order_with_their_times()
    {
        await using var learner = await fixture.ConnectAsync(WorkbenchFixture.NewLearnerToken(out _));
        await using var instructor = await fixture.ConnectAsync(fixture.InstructorToken);
        var session = await learner.InvokeAsync<SessionSnapshot>("OpenExercise", fixture.ExerciseId);
        var sent = new List<ContentChange[]>();
        for (var v = 0L; v < 5; v++)
        {
            var changes = new[] { new ContentChange(0, 0, $"line {v}\n") };
            sent.Add(changes);
            Assert.True((await learner.InvokeAsync<EditResult>("ApplyEdits", session.SessionId, WorkbenchFixture.StarterFile, v, changes)).Accepted);
        }

        var replayed = new List<EditRecord>();
        await foreach (var edit in instructor.StreamAsync<EditRecord>("ReplaySession", session.SessionId, (DateTimeOffset?)null, (DateTimeOffset?)null))
        {
            replayed.Add(edit);
        }

        Assert.Equal([1L, 2L, 3L, 4L, 5L], replayed.Select(e => e.Version));
        Assert.Equal(sent.Select(c => c[0].Text), replayed.Select(e => e.Changes[0].Text));
        Assert.All(replayed, e => Assert.Equal(WorkbenchFixture.StarterFile, e.File));
        Assert.True(replayed.Zip(replayed.Skip(1)).All(p => p.First.At <= p.Second.At));
        Assert.True(replayed[0].At > DateTimeOffset.UtcNow.AddMinutes(-5));

        // A window in time gives the edits inside it.
        var later = new List<EditRecord>();
        await foreach (var edit in instructor.StreamAsync<EditRecord>("ReplaySession", session.SessionId, (DateTimeOffset?)replayed[4].At, (DateTimeOffset?)null))
        {
            later.Add(edit);
        }

        Assert.Contains(later, e => e.Version == 5);
        Assert.DoesNotContain(later, e => e.At < replayed[4].At);
    }

    [Fact]
    public async Task ListLiveSessions_shows_who_works_on_what_with_errors_verdict_and_time_stuck()
    {
        await using var learner = await fixture.ConnectAsync(WorkbenchFixture.NewLearnerToken(out var learnerId));
        await using var instructor = await fixture.ConnectAsync(fixture.InstructorToken);
        var diagnostics = new Inbox<DiagnosticsMessage>(learner, "Diagnostics");
        var session = await learner.InvokeAsync<SessionSnapshot>("OpenExercise", fixture.ExerciseId);

        // A syntax error: the live diagnostics pipeline marks it, the learner gets the markers, the overview counts it.
        var edit = await learner.InvokeAsync<EditResult>("ApplyEdits", session.SessionId, WorkbenchFixture.StarterFile, 0L, new[] { new ContentChange(0, 0, "def (:\n") });
        var markers = await diagnostics.NextAsync(d => d.Version == edit.Version && d.Layer == DiagnosticsLayer.Syntax, TimeSpan.FromSeconds(60));
        Assert.Contains(markers.Markers, m => m.Severity == MarkerSeverity.Error);

        LiveSessionSummary? mine = null;
        using var cts = new CancellationTokenSource(Inbox<object>.Timeout);
        while (mine is not { ErrorCount: > 0 })
        {
            var live = await instructor.InvokeAsync<IReadOnlyList<LiveSessionSummary>>("ListLiveSessions", fixture.CourseId, cts.Token);
            mine = live.SingleOrDefault(s => s.SessionId == session.SessionId);
            Assert.NotNull(mine);
        }

        Assert.Equal((learnerId, fixture.ExerciseId, 1L), (mine.UserId, mine.ExerciseId, mine.Version));
        Assert.Null(mine.LastVerdict);
        Assert.True(mine.StuckForMs >= 0);
        Assert.True(mine.LastActivity > DateTimeOffset.UtcNow.AddMinutes(-5));
    }
}
