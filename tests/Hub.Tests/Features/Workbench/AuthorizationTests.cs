using LearningPlatform.Contracts.Workbench;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace LearningPlatform.Hub.Tests.Features.Workbench;

/// <summary>
/// Every role against every method on a learner's session: the learner alone writes it (edit, run, submit, cancel,
/// resume); instructors of its course and admins read it (watch, stop watching, replay, hint, list); nobody else.
/// </summary>
[Collection(WorkbenchCollection.Name)]
public sealed class AuthorizationTests(WorkbenchFixture fixture) : IAsyncLifetime
{
    private HubConnection _owner = null!;
    private SessionSnapshot _session = null!;
    private string _runId = "";

    public async Task InitializeAsync()
    {
        _owner = await fixture.ConnectAsync(WorkbenchFixture.NewLearnerToken(out _));
        _session = await _owner.InvokeAsync<SessionSnapshot>("OpenExercise", fixture.ExerciseId);
        await _owner.InvokeAsync<EditResult>("ApplyEdits", _session.SessionId, WorkbenchFixture.StarterFile, 0L, new[] { new ContentChange(0, 0, "#") });
        _runId = await _owner.InvokeAsync<string>("Run", _session.SessionId);
    }

    public async Task DisposeAsync()
    {
        await _owner.InvokeAsync<bool>("CancelRun", _runId);
        await _owner.DisposeAsync();
    }

    public static TheoryData<string> Outsiders => new() { "other learner", "other instructor", "teaching instructor", "admin" };

    [Theory]
    [MemberData(nameof(Outsiders))]
    public async Task Only_the_learner_writes_the_session(string role)
    {
        await using var caller = await fixture.ConnectAsync(Token(role));
        var id = _session.SessionId;

        await Refused(() => caller.InvokeAsync<EditResult>("ApplyEdits", id, WorkbenchFixture.StarterFile, 1L, new[] { new ContentChange(0, 0, "x") }), "Open or resume");
        await Refused(() => caller.InvokeAsync<string>("Run", id), "Open or resume");
        await Refused(() => caller.InvokeAsync<string>("Submit", id), "Open or resume");
        await Refused(() => caller.InvokeAsync<ResumeResult>("Resume", id, 0L), "No session");
        await Refused(() => caller.InvokeAsync<bool>("CancelRun", _runId), "No run");

        // Opening the same exercise gives the caller a session of their own, never the learner's.
        var own = await caller.InvokeAsync<SessionSnapshot>("OpenExercise", fixture.ExerciseId);
        Assert.NotEqual(id, own.SessionId);
        var still = await _owner.InvokeAsync<ResumeResult>("Resume", id, 1L);
        Assert.Equal(1, still.Version);
    }

    [Theory]
    [InlineData("the learner", "Only instructors")]
    [InlineData("other learner", "Only instructors")]
    [InlineData("other instructor", "do not teach")]
    public async Task Those_who_do_not_teach_the_course_cannot_watch_replay_hint_or_list(string role, string message)
    {
        await using var caller = role == "the learner" ? null : await fixture.ConnectAsync(Token(role));
        var connection = caller ?? _owner;
        var id = _session.SessionId;

        await Refused(() => connection.InvokeAsync<SessionSnapshot>("WatchSession", id), message);
        await Refused(() => connection.InvokeAsync("StopWatching", id), message);
        await Refused(() => connection.InvokeAsync("SendHint", id, "psst"), message);
        await Refused(() => connection.InvokeAsync<IReadOnlyList<LiveSessionSummary>>("ListLiveSessions", fixture.CourseId), message);
        await Refused(async () =>
        {
            await foreach (var _ in connection.StreamAsync<EditRecord>("ReplaySession", id, (DateTimeOffset?)null, (DateTimeOffset?)null))
            {
            }
        }, message);
    }

    [Theory]
    [InlineData("teaching instructor")]
    [InlineData("admin")]
    public async Task The_courses_instructors_and_admins_watch_replay_hint_and_list(string role)
    {
        await using var caller = await fixture.ConnectAsync(Token(role));
        var hints = new Inbox<HintMessage>(_owner, "Hint");
        var id = _session.SessionId;

        var watched = await caller.InvokeAsync<SessionSnapshot>("WatchSession", id);
        await caller.InvokeAsync("StopWatching", id);
        await caller.InvokeAsync("SendHint", id, "from " + role);
        var live = await caller.InvokeAsync<IReadOnlyList<LiveSessionSummary>>("ListLiveSessions", fixture.CourseId);
        var replayed = new List<EditRecord>();
        await foreach (var edit in caller.StreamAsync<EditRecord>("ReplaySession", id, (DateTimeOffset?)null, (DateTimeOffset?)null))
        {
            replayed.Add(edit);
        }

        Assert.Equal("#" + WorkbenchFixture.StarterText, watched.Files[0].Content);
        Assert.Equal("from " + role, (await hints.NextAsync(h => h.Text == "from " + role)).Text);
        Assert.Contains(live, s => s.SessionId == id);
        Assert.Equal(1, Assert.Single(replayed).Version);
        // Unknown sessions and courses they do not teach are refused the same way for them.
        await Refused(() => caller.InvokeAsync<SessionSnapshot>("WatchSession", "0123456789abcdef0123456789abcdef"), "No session");
        if (role != "admin")
        {
            await Refused(() => caller.InvokeAsync<IReadOnlyList<LiveSessionSummary>>("ListLiveSessions", "python-foundations"), "do not teach");
        }
    }

    private string Token(string role) => role switch
    {
        "other learner" => WorkbenchFixture.NewLearnerToken(out _),
        "other instructor" => WorkbenchFixture.OtherInstructorToken(),
        "teaching instructor" => fixture.InstructorToken,
        "admin" => WorkbenchFixture.AdminToken(),
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    };

    private static async Task Refused(Func<Task> call, string message)
    {
        var e = await Assert.ThrowsAsync<HubException>(call);
        Assert.Contains(message, e.Message);
    }
}
