using LearningPlatform.Contracts.Runs;
using LearningPlatform.Contracts.Workbench;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace LearningPlatform.Hub.Tests.Features.Workbench;

/// <summary>
/// The instructors' dashboard is pushed, not polled: <c>WatchCourse</c> lists the course's live sessions and then the
/// hub pushes the ones that change, across hub processes, only to those who teach the course. The watch view's names,
/// hints and the runs a replay marks come from the same session record.
/// </summary>
[Collection(WorkbenchCollection.Name)]
public sealed class CourseDashboardTests(WorkbenchFixture fixture)
{
    [Fact]
    public async Task An_instructor_on_another_hub_is_pushed_the_learners_name_when_they_open_an_exercise_and_the_verdict_when_a_run_ends()
    {
        await using var instructor = await fixture.ConnectAsync(fixture.InstructorToken, fixture.SecondHub);
        var pushed = new Inbox<LiveSessionsUpdate>(instructor, "LiveSessions");
        var before = await instructor.InvokeAsync<IReadOnlyList<LiveSessionSummary>>("WatchCourse", fixture.CourseId);

        var token = WorkbenchFixture.NewLearnerToken(out var learnerId, "Ada Lovelace");
        await using var learner = await fixture.ConnectAsync(token, fixture.Hub);
        var session = await learner.InvokeAsync<SessionSnapshot>("OpenExercise", fixture.ExerciseId);
        var opened = await Mine(pushed, session.SessionId);

        Assert.DoesNotContain(before, s => s.SessionId == session.SessionId);
        Assert.Equal((learnerId, fixture.ExerciseId, "Ada Lovelace", "Add"), (opened.UserId, opened.ExerciseId, opened.LearnerName, opened.ExerciseTitle));
        Assert.Null(opened.LastVerdict);
        Assert.Equal(("Ada Lovelace", "Add"), (session.LearnerName, session.ExerciseTitle));

        // A run (its events written as the runner writes them) ends failed: the verdict is pushed.
        await learner.InvokeAsync<EditResult>("ApplyEdits", session.SessionId, WorkbenchFixture.StarterFile, 0L, new[] { new ContentChange(0, 0, "# try\n") });
        var runId = await learner.InvokeAsync<string>("Run", session.SessionId);
        var now = DateTimeOffset.UtcNow;
        var result = new RunResult(runId, 2, TestStatus.Fail, null, [new TestResult("test_add", TestStatus.Fail)], RunVerdict.Failed, [],
            new RunTimings(1, 0, 2, 3), new ResourceUsage(null, null, null), ExerciseId: fixture.ExerciseId);
        await fixture.WriteRunEventsAsync(runId, new RunAccepted(runId, 1, now), new RunFinished(runId, 2, now, result));
        var failed = await Mine(pushed, session.SessionId, s => s.LastVerdict == "failed");
        Assert.Equal("Ada Lovelace", failed.LearnerName);

        // The run is in the session's run history, placed at the version its files were taken at.
        var runs = await instructor.InvokeAsync<IReadOnlyList<LastRun>>("ListRuns", session.SessionId);
        var run = Assert.Single(runs);
        Assert.Equal((runId, "run", RunStatuses.Finished, "failed", 1L), (run.RunId, run.Mode, run.Status, run.Verdict, run.AtVersion));
        Assert.Null(run.ResultJson);

        // Leaving is pushed too, and coming back.
        await learner.StopAsync();
        var left = await Mine(pushed, session.SessionId, s => s.LeftAt is not null);
        Assert.True(left.LeftAt >= left.LastActivity);
        await using var back = await fixture.ConnectAsync(token, fixture.Hub);
        await back.InvokeAsync<SessionSnapshot>("OpenExercise", fixture.ExerciseId);
        Assert.Null((await Mine(pushed, session.SessionId, s => s.LeftAt is null)).LeftAt);
    }

    [Fact]
    public async Task An_instructor_who_does_not_teach_the_course_may_not_watch_it_and_is_pushed_nothing()
    {
        await using var outsider = await fixture.ConnectAsync(WorkbenchFixture.OtherInstructorToken());
        await using var instructor = await fixture.ConnectAsync(fixture.InstructorToken);
        var outsiderPushed = new Inbox<LiveSessionsUpdate>(outsider, "LiveSessions");
        var pushed = new Inbox<LiveSessionsUpdate>(instructor, "LiveSessions");
        await using var learnerAsWatcher = await fixture.ConnectAsync(WorkbenchFixture.NewLearnerToken(out _));

        var refused = await Assert.ThrowsAsync<HubException>(() => outsider.InvokeAsync<IReadOnlyList<LiveSessionSummary>>("WatchCourse", fixture.CourseId));
        Assert.Contains("do not teach", refused.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<HubException>(() => learnerAsWatcher.InvokeAsync<IReadOnlyList<LiveSessionSummary>>("WatchCourse", fixture.CourseId));
        await Assert.ThrowsAsync<HubException>(() => instructor.InvokeAsync<IReadOnlyList<LiveSessionSummary>>("WatchCourse", ""));
        await instructor.InvokeAsync<IReadOnlyList<LiveSessionSummary>>("WatchCourse", fixture.CourseId);

        await using var learner = await fixture.ConnectAsync(WorkbenchFixture.NewLearnerToken(out _, "Grace Hopper"));
        var session = await learner.InvokeAsync<SessionSnapshot>("OpenExercise", fixture.ExerciseId);
        Assert.Equal("Grace Hopper", (await Mine(pushed, session.SessionId)).LearnerName);

        // The instructor's push has come; the outsider's would have come with it. Two more intervals to be sure.
        await Task.Delay(TimeSpan.FromSeconds(2));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => outsiderPushed.NextAsync(timeout: TimeSpan.FromMilliseconds(100)));
    }

    [Fact]
    public async Task Typing_is_pushed_coalesced_and_StopWatchingCourse_ends_the_pushes()
    {
        await using var instructor = await fixture.ConnectAsync(fixture.InstructorToken);
        var pushed = new Inbox<LiveSessionsUpdate>(instructor, "LiveSessions");
        await instructor.InvokeAsync<IReadOnlyList<LiveSessionSummary>>("WatchCourse", fixture.CourseId);
        await using var learner = await fixture.ConnectAsync(WorkbenchFixture.NewLearnerToken(out _, "Alan Turing"));
        var session = await learner.InvokeAsync<SessionSnapshot>("OpenExercise", fixture.ExerciseId);
        for (var v = 0L; v < 30; v++)
        {
            await learner.InvokeAsync<EditResult>("ApplyEdits", session.SessionId, WorkbenchFixture.StarterFile, v, new[] { new ContentChange(0, 0, "#") });
        }

        // 31 changes (the open and 30 edits) arrive in a few pushes, not one each.
        var pushes = 0;
        LiveSessionSummary last;
        do
        {
            last = await Mine(pushed, session.SessionId);
            pushes++;
        }
        while (last.Version < 30);

        Assert.Equal("Alan Turing", last.LearnerName);
        Assert.True(pushes <= 10, $"{pushes} pushes for 31 changes");

        await instructor.InvokeAsync("StopWatchingCourse", fixture.CourseId);
        await learner.InvokeAsync<EditResult>("ApplyEdits", session.SessionId, WorkbenchFixture.StarterFile, 30L, new[] { new ContentChange(0, 0, "#") });
        await Task.Delay(TimeSpan.FromSeconds(2));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pushed.NextAsync(u => u.Sessions.Any(s => s.Version == 31), TimeSpan.FromMilliseconds(100)));
    }

    [Fact]
    public async Task Hints_sent_are_kept_with_the_session_and_reach_every_watcher_with_the_senders_name()
    {
        await using var learner = await fixture.ConnectAsync(WorkbenchFixture.NewLearnerToken(out _));
        var session = await learner.InvokeAsync<SessionSnapshot>("OpenExercise", fixture.ExerciseId);
        await using var instructor = await fixture.ConnectAsync(TestJwt.Create(fixture.InstructorId, [LearningPlatform.Contracts.Roles.Instructor], name: "Prof. Knuth"));
        await using var other = await fixture.ConnectAsync(fixture.InstructorToken, fixture.SecondHub);
        var watcherHints = new Inbox<HintMessage>(other, "Hint");
        await other.InvokeAsync<SessionSnapshot>("WatchSession", session.SessionId);

        await instructor.InvokeAsync("SendHint", session.SessionId, "Read the **return** line.");
        var seen = await watcherHints.NextAsync();
        var listed = await instructor.InvokeAsync<IReadOnlyList<HintMessage>>("ListHints", session.SessionId);

        Assert.Equal(("Read the **return** line.", "Prof. Knuth"), (seen.Text, seen.FromName));
        Assert.Equal(("Read the **return** line.", "Prof. Knuth", fixture.InstructorId), (Assert.Single(listed).Text, listed[0].FromName, listed[0].FromUserId));
        await Assert.ThrowsAsync<HubException>(() => learner.InvokeAsync<IReadOnlyList<HintMessage>>("ListHints", session.SessionId));
        await Assert.ThrowsAsync<HubException>(() => learner.InvokeAsync<IReadOnlyList<LastRun>>("ListRuns", session.SessionId));
    }

    private static async Task<LiveSessionSummary> Mine(Inbox<LiveSessionsUpdate> pushed, string sessionId, Func<LiveSessionSummary, bool>? match = null)
    {
        var update = await pushed.NextAsync(u => u.Sessions.Any(s => s.SessionId == sessionId && (match?.Invoke(s) ?? true)));
        return update.Sessions.Single(s => s.SessionId == sessionId);
    }
}
