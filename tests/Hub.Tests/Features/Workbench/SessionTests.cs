using LearningPlatform.Contracts.Workbench;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace LearningPlatform.Hub.Tests.Features.Workbench;

/// <summary>A learner's session: open, edit, conflicts, reopen, another hub host, resume, both protocols.</summary>
[Collection(WorkbenchCollection.Name)]
public sealed class SessionTests(WorkbenchFixture fixture)
{
    private static ContentChange Insert(int at, string text) => new(at, 0, text);

    [Fact]
    public async Task OpenExercise_returns_the_starter_files_at_version_0_with_language_and_visible_tests()
    {
        await using var learner = await fixture.ConnectAsync(WorkbenchFixture.NewLearnerToken(out var userId));

        var session = await learner.InvokeAsync<SessionSnapshot>("OpenExercise", fixture.ExerciseId);

        Assert.Equal(0, session.Version);
        Assert.Equal(userId, session.UserId);
        Assert.Equal(fixture.CourseId, session.CourseId);
        Assert.Equal("python", session.Language);
        var file = Assert.Single(session.Files);
        Assert.Equal((WorkbenchFixture.StarterFile, WorkbenchFixture.StarterText), (file.Name, file.Content));
        Assert.Equal(WorkbenchFixture.TestFile, Assert.Single(session.VisibleTests).Name);
        Assert.Null(session.LastRun);
    }

    [Fact]
    public async Task ApplyEdits_increments_the_version_and_reopening_returns_the_latest_text()
    {
        var token = WorkbenchFixture.NewLearnerToken(out _);
        await using var learner = await fixture.ConnectAsync(token);
        var session = await learner.InvokeAsync<SessionSnapshot>("OpenExercise", fixture.ExerciseId);

        var first = await learner.InvokeAsync<EditResult>("ApplyEdits", session.SessionId, WorkbenchFixture.StarterFile, 0L, new[] { Insert(0, "# one\n") });
        // Two changes of one Monaco event, listed from the end of the text backwards.
        var second = await learner.InvokeAsync<EditResult>("ApplyEdits", session.SessionId, WorkbenchFixture.StarterFile, 1L,
            new[] { new ContentChange(WorkbenchFixture.StarterText.Length + 6 - 1, 1, "a + b"), Insert(0, "# two\n") });

        Assert.True(first.Accepted);
        Assert.Equal(1, first.Version);
        Assert.True(second.Accepted, second.Error);
        Assert.Equal(2, second.Version);

        await using var again = await fixture.ConnectAsync(token);
        var reopened = await again.InvokeAsync<SessionSnapshot>("OpenExercise", fixture.ExerciseId);
        Assert.Equal(session.SessionId, reopened.SessionId);
        Assert.Equal(2, reopened.Version);
        Assert.Equal("# two\n# one\ndef add(a, b):\n    return a + b", reopened.Files[0].Content);
        Assert.Equal(2, reopened.Files[0].Version);
    }

    [Fact]
    public async Task A_stale_base_version_is_refused_with_the_current_snapshot_and_changes_nothing()
    {
        await using var learner = await fixture.ConnectAsync(WorkbenchFixture.NewLearnerToken(out _));
        var session = await learner.InvokeAsync<SessionSnapshot>("OpenExercise", fixture.ExerciseId);
        await learner.InvokeAsync<EditResult>("ApplyEdits", session.SessionId, WorkbenchFixture.StarterFile, 0L, new[] { Insert(0, "x") });

        var stale = await learner.InvokeAsync<EditResult>("ApplyEdits", session.SessionId, WorkbenchFixture.StarterFile, 0L, new[] { Insert(0, "y") });

        Assert.False(stale.Accepted);
        Assert.Equal(1, stale.Version);
        Assert.Contains("version 0", stale.Error);
        Assert.NotNull(stale.Snapshot);
        Assert.Equal(1, stale.Snapshot.Version);
        Assert.Equal("x" + WorkbenchFixture.StarterText, stale.Snapshot.Files[0].Content);
    }

    [Theory]
    [InlineData(-1, 0)]
    [InlineData(0, -1)]
    [InlineData(10_000, 0)]
    [InlineData(5, 10_000)]
    public async Task A_change_outside_the_text_is_refused_and_the_text_is_unchanged(int offset, int length)
    {
        await using var learner = await fixture.ConnectAsync(WorkbenchFixture.NewLearnerToken(out _));
        var session = await learner.InvokeAsync<SessionSnapshot>("OpenExercise", fixture.ExerciseId);

        // The first change is fine, the second is not: neither may be applied.
        var result = await learner.InvokeAsync<EditResult>("ApplyEdits", session.SessionId, WorkbenchFixture.StarterFile, 0L,
            new[] { Insert(0, "ok"), new ContentChange(offset, length, "bad") });

        Assert.False(result.Accepted);
        Assert.Contains("outside the text", result.Error);
        Assert.Equal(0, result.Version);
        Assert.Equal(WorkbenchFixture.StarterText, result.Snapshot!.Files[0].Content);
        var reopened = await learner.InvokeAsync<SessionSnapshot>("OpenExercise", fixture.ExerciseId);
        Assert.Equal((0L, WorkbenchFixture.StarterText), (reopened.Version, reopened.Files[0].Content));
    }

    [Fact]
    public async Task Edits_through_two_hubs_on_one_session_take_turns_and_none_is_lost()
    {
        var token = WorkbenchFixture.NewLearnerToken(out _);
        await using var first = await fixture.ConnectAsync(token, fixture.Hub);
        await using var second = await fixture.ConnectAsync(token, fixture.SecondHub);
        var session = await first.InvokeAsync<SessionSnapshot>("OpenExercise", fixture.ExerciseId);
        await second.InvokeAsync<SessionSnapshot>("OpenExercise", fixture.ExerciseId);

        // Each hub keeps its own copy of the text; the one that is behind finds out from Redis and catches up.
        var a = await first.InvokeAsync<EditResult>("ApplyEdits", session.SessionId, WorkbenchFixture.StarterFile, 0L, new[] { Insert(0, "# a\n") });
        var b = await second.InvokeAsync<EditResult>("ApplyEdits", session.SessionId, WorkbenchFixture.StarterFile, 1L, new[] { Insert(0, "# b\n") });
        var c = await first.InvokeAsync<EditResult>("ApplyEdits", session.SessionId, WorkbenchFixture.StarterFile, 2L, new[] { Insert(0, "# c\n") });
        var late = await second.InvokeAsync<EditResult>("ApplyEdits", session.SessionId, WorkbenchFixture.StarterFile, 2L, new[] { Insert(0, "# late\n") });

        Assert.Equal([true, true, true], new[] { a.Accepted, b.Accepted, c.Accepted });
        Assert.Equal(3, c.Version);
        Assert.False(late.Accepted);
        Assert.Equal(3, late.Snapshot!.Version);
        var expected = "# c\n# b\n# a\n" + WorkbenchFixture.StarterText;
        Assert.Equal(expected, late.Snapshot.Files[0].Content);
        Assert.Equal(expected, (await first.InvokeAsync<SessionSnapshot>("OpenExercise", fixture.ExerciseId)).Files[0].Content);
    }

    [Fact]
    public async Task Typing_clean_code_pushes_no_diagnostics_and_the_first_error_is_pushed()
    {
        await using var learner = await fixture.ConnectAsync(WorkbenchFixture.NewLearnerToken(out _));
        var diagnostics = new Inbox<DiagnosticsMessage>(learner, "Diagnostics");
        var session = await learner.InvokeAsync<SessionSnapshot>("OpenExercise", fixture.ExerciseId);
        Assert.Empty((await diagnostics.NextAsync(d => d.Layer == DiagnosticsLayer.Syntax, TimeSpan.FromSeconds(60))).Markers);

        for (var v = 0L; v < 3; v++)
        {
            Assert.True((await learner.InvokeAsync<EditResult>("ApplyEdits", session.SessionId, WorkbenchFixture.StarterFile, v, new[] { Insert(0, "# clean\n") })).Accepted);
        }

        await learner.InvokeAsync<EditResult>("ApplyEdits", session.SessionId, WorkbenchFixture.StarterFile, 3L, new[] { Insert(0, "def (:\n") });
        var next = await diagnostics.NextAsync(d => d.Layer == DiagnosticsLayer.Syntax, TimeSpan.FromSeconds(60));

        // Versions 1 to 3 had no markers, like version 0: nothing was pushed for them.
        Assert.Equal(4, next.Version);
        Assert.Contains(next.Markers, m => m.Severity == MarkerSeverity.Error);
    }

    [Fact]
    public async Task The_session_survives_a_new_hub_host_on_the_same_redis()
    {
        var token = WorkbenchFixture.NewLearnerToken(out _);
        string sessionId;
        await using (var learner = await fixture.ConnectAsync(token))
        {
            sessionId = (await learner.InvokeAsync<SessionSnapshot>("OpenExercise", fixture.ExerciseId)).SessionId;
            await learner.InvokeAsync<EditResult>("ApplyEdits", sessionId, WorkbenchFixture.StarterFile, 0L, new[] { Insert(0, "# kept\n") });
        }

        using var restarted = fixture.Platform.NewHub(new() { ["Diagnostics:WarmUpOnStart"] = "false" });
        await using var again = await fixture.ConnectAsync(token, restarted);
        var reopened = await again.InvokeAsync<SessionSnapshot>("OpenExercise", fixture.ExerciseId);

        Assert.Equal(sessionId, reopened.SessionId);
        Assert.Equal(1, reopened.Version);
        Assert.StartsWith("# kept\n", reopened.Files[0].Content);
    }

    [Fact]
    public async Task Resume_returns_the_edits_after_the_clients_version_or_a_snapshot_when_it_cannot()
    {
        var token = WorkbenchFixture.NewLearnerToken(out _);
        await using var learner = await fixture.ConnectAsync(token);
        var session = await learner.InvokeAsync<SessionSnapshot>("OpenExercise", fixture.ExerciseId);
        for (var v = 0L; v < 3; v++)
        {
            await learner.InvokeAsync<EditResult>("ApplyEdits", session.SessionId, WorkbenchFixture.StarterFile, v, new[] { Insert(0, $"{v}") });
        }

        await using var reconnected = await fixture.ConnectAsync(token);
        var missed = await reconnected.InvokeAsync<ResumeResult>("Resume", session.SessionId, 1L);
        var upToDate = await reconnected.InvokeAsync<ResumeResult>("Resume", session.SessionId, 3L);
        var fromTheFuture = await reconnected.InvokeAsync<ResumeResult>("Resume", session.SessionId, 99L);

        Assert.Equal(3, missed.Version);
        Assert.Null(missed.Snapshot);
        Assert.Equal([2L, 3L], missed.Edits.Select(e => e.Version));
        Assert.Equal(["1", "2"], missed.Edits.Select(e => e.Changes[0].Text));
        Assert.Empty(upToDate.Edits);
        Assert.Null(upToDate.Snapshot);
        Assert.Equal("210" + WorkbenchFixture.StarterText, fromTheFuture.Snapshot!.Files[0].Content);
        // Resuming joins the session on the new connection: it may edit at once.
        var edit = await reconnected.InvokeAsync<EditResult>("ApplyEdits", session.SessionId, WorkbenchFixture.StarterFile, 3L, new[] { Insert(0, "3") });
        Assert.True(edit.Accepted);
    }

    [Fact]
    public async Task MessagePack_protocol_opens_and_edits()
    {
        await using var learner = await fixture.ConnectAsync(WorkbenchFixture.NewLearnerToken(out _), messagePack: true);

        var session = await learner.InvokeAsync<SessionSnapshot>("OpenExercise", fixture.ExerciseId);
        var edit = await learner.InvokeAsync<EditResult>("ApplyEdits", session.SessionId, WorkbenchFixture.StarterFile, 0L, new[] { Insert(0, "# msgpack\n") });
        var stale = await learner.InvokeAsync<EditResult>("ApplyEdits", session.SessionId, WorkbenchFixture.StarterFile, 0L, new[] { Insert(0, "z") });

        Assert.Equal(WorkbenchFixture.StarterText, session.Files[0].Content);
        Assert.True(edit.Accepted);
        Assert.Equal(1, edit.Version);
        Assert.False(stale.Accepted);
        Assert.Equal("# msgpack\n" + WorkbenchFixture.StarterText, stale.Snapshot!.Files[0].Content);
    }

    [Fact]
    public async Task Calls_before_opening_and_unknown_ids_are_refused_without_harm()
    {
        await using var learner = await fixture.ConnectAsync(WorkbenchFixture.NewLearnerToken(out _));

        var beforeOpen = await Assert.ThrowsAsync<HubException>(() =>
            learner.InvokeAsync<EditResult>("ApplyEdits", "0123456789abcdef0123456789abcdef", WorkbenchFixture.StarterFile, 0L, new[] { Insert(0, "x") }));
        var runBeforeOpen = await Assert.ThrowsAsync<HubException>(() => learner.InvokeAsync<string>("Run", "nope"));
        var unknownExercise = await Assert.ThrowsAsync<HubException>(() => learner.InvokeAsync<SessionSnapshot>("OpenExercise", "no-such-exercise"));
        var badSession = await Assert.ThrowsAsync<HubException>(() => learner.InvokeAsync<ResumeResult>("Resume", "../../etc", 0L));
        var emptyExercise = await Assert.ThrowsAsync<HubException>(() => learner.InvokeAsync<SessionSnapshot>("OpenExercise", ""));
        // Wrong argument types fail the call, not the connection.
        await Assert.ThrowsAnyAsync<Exception>(() => learner.InvokeAsync<EditResult>("ApplyEdits", "x", "y", "not a number", "nor changes"));

        Assert.Contains("Open or resume", beforeOpen.Message);
        Assert.Contains("Open or resume", runBeforeOpen.Message);
        Assert.Contains("no exercise", unknownExercise.Message);
        Assert.Contains("No session", badSession.Message);
        Assert.Contains("exercise id is required", emptyExercise.Message);
        var session = await learner.InvokeAsync<SessionSnapshot>("OpenExercise", fixture.ExerciseId);
        var unknownFile = await Assert.ThrowsAsync<HubException>(() =>
            learner.InvokeAsync<EditResult>("ApplyEdits", session.SessionId, "other.py", 0L, new[] { Insert(0, "x") }));
        Assert.Contains("no file 'other.py'", unknownFile.Message);
        Assert.Equal(HubConnectionState.Connected, learner.State);
    }
}

/// <summary>New recommendations reach every connection of their learner, and only theirs.</summary>
[Collection(WorkbenchCollection.Name)]
public sealed class RecommendationsPushTests(WorkbenchFixture fixture)
{
    [Fact]
    public async Task RecommendationsUpdated_reaches_the_learners_connections_on_any_hub_and_no_one_else()
    {
        var token = WorkbenchFixture.NewLearnerToken(out var userId);
        await using var onFirst = await fixture.ConnectAsync(token);
        await using var onSecond = await fixture.ConnectAsync(token, fixture.SecondHub);
        await using var other = await fixture.ConnectAsync(WorkbenchFixture.NewLearnerToken(out _));
        var first = new Inbox<LearningPlatform.Contracts.Events.RecommendationsUpdated>(onFirst, "Recommendations");
        var second = new Inbox<LearningPlatform.Contracts.Events.RecommendationsUpdated>(onSecond, "Recommendations");
        var others = new Inbox<LearningPlatform.Contracts.Events.RecommendationsUpdated>(other, "Recommendations");
        var publisher = fixture.Platform.Services.Services.GetRequiredService<LearningPlatform.ServiceDefaults.Events.IEventPublisher>();

        await publisher.PublishAsync(new LearningPlatform.Contracts.Events.RecommendationsUpdated(
            userId, [new("python-greet", "python-foundations", "Hello, name!", "next", 0.9, "practise strings: mastery 0.42")], DateTimeOffset.UtcNow));

        Assert.Equal("practise strings: mastery 0.42", (await first.NextAsync()).Items.Single().Reason);
        Assert.Equal(userId, (await second.NextAsync()).UserId);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => others.NextAsync(timeout: TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task RecommendationsUpdated_reaches_every_connection_of_the_learner_on_one_hub_and_the_rest_after_one_closes()
    {
        var token = WorkbenchFixture.NewLearnerToken(out var userId);
        await using var tab1 = await fixture.ConnectAsync(token, fixture.SecondHub);
        await using var tab2 = await fixture.ConnectAsync(token, fixture.SecondHub);
        var tab3 = await fixture.ConnectAsync(token, fixture.SecondHub);
        var first = new Inbox<LearningPlatform.Contracts.Events.RecommendationsUpdated>(tab1, "Recommendations");
        var second = new Inbox<LearningPlatform.Contracts.Events.RecommendationsUpdated>(tab2, "Recommendations");
        var publisher = fixture.Platform.Services.Services.GetRequiredService<LearningPlatform.ServiceDefaults.Events.IEventPublisher>();
        await tab3.DisposeAsync();

        await publisher.PublishAsync(new LearningPlatform.Contracts.Events.RecommendationsUpdated(
            userId, [new("python-greet", "python-foundations", "Hello, name!", "next", 0.9, "two tabs")], DateTimeOffset.UtcNow));

        Assert.Equal("two tabs", (await first.NextAsync()).Items.Single().Reason);
        Assert.Equal("two tabs", (await second.NextAsync()).Items.Single().Reason);
    }

    [Fact]
    public async Task A_connected_learner_costs_the_backplane_no_Redis_subscription_of_their_own()
    {
        await using var learner = await fixture.ConnectAsync(WorkbenchFixture.NewLearnerToken(out var userId));
        var redis = fixture.Hub.Services.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>();

        var channels = redis.GetServers().SelectMany(s => s.SubscriptionChannels(StackExchange.Redis.RedisChannel.Pattern($"*{userId}*")));

        Assert.Empty(channels);
    }
}
