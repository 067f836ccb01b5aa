using System.Runtime.CompilerServices;
using LearningPlatform.Contracts;
using LearningPlatform.Contracts.Runs;
using LearningPlatform.Contracts.Workbench;
using LearningPlatform.Hub.Features.Diagnostics;
using LearningPlatform.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace LearningPlatform.Hub.Features.Workbench;

/// <summary>
/// The learner's and the instructor's real-time protocol at <c>/hubs/workbench</c>. Learners open one session per
/// exercise, edit it with Monaco content changes, run and submit it, and resume after a reconnect; instructors list
/// the live sessions of the courses they teach, watch one (edits, diagnostics and run events live), replay its
/// history and send hints, and follow a course's dashboard (<c>WatchCourse</c>: its sessions pushed as they change).
/// Every method checks who may call it: learners reach only their own sessions, instructors
/// the sessions of courses they teach (read, watch, hint; never write), admins every session.
/// </summary>
[Authorize]
public sealed class WorkbenchHub(
    SessionStore store,
    ServicesClient services,
    RunRelay relay,
    LocalSessions local,
    SessionBackups backups,
    CourseDashboards dashboards,
    IOptions<WorkbenchOptions> options,
    TimeProvider time,
    ILogger<WorkbenchHub> logger) : Hub<IWorkbenchClient>
{
    private readonly WorkbenchOptions _options = options.Value;

    private WorkbenchConnection Connection => (WorkbenchConnection)Context.Items[WorkbenchConnection.Key]!;

    private string UserId => Connection.UserId;

    private bool IsAdmin => Context.User!.IsInRole(Roles.Admin);

    public override Task OnConnectedAsync()
    {
        Context.Items[WorkbenchConnection.Key] = new WorkbenchConnection(Context.User!.UserId(), _options);
        return Task.CompletedTask;
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        if (!Context.Items.TryGetValue(WorkbenchConnection.Key, out var item) || item is not WorkbenchConnection connection)
        {
            return;
        }

        connection.Dispose();
        foreach (var sessionId in connection.Opened)
        {
            var courseId = local.TryGet(sessionId, out var live) ? live.CourseId : null;
            local.Release(sessionId, Context.ConnectionId);
            await backups.FlushAsync(sessionId, CancellationToken.None); // the learner left: save what is unsaved now
            await store.SetLeftAsync(sessionId, left: true);
            if (courseId is not null)
            {
                dashboards.Changed(courseId, sessionId);
            }
        }

        foreach (var sessionId in connection.Watching)
        {
            await store.RemoveWatcherAsync(sessionId, Context.ConnectionId);
        }

        foreach (var courseId in connection.Dashboards)
        {
            await store.RemoveDashboardAsync(courseId, Context.ConnectionId);
        }
    }

    /// <summary>Opens (or reopens) the caller's session of the exercise, with its latest text.</summary>
    public async Task<SessionSnapshot> OpenExercise(string exerciseId)
    {
        if (string.IsNullOrWhiteSpace(exerciseId) || exerciseId.Length > 100)
        {
            throw new HubException("An exercise id is required (at most 100 characters).");
        }

        var seed = await services.GetExerciseAsync(exerciseId, Token(), Context.ConnectionAborted);
        if (seed.StarterFiles.Count > _options.MaxFilesPerSession)
        {
            throw new HubException($"The exercise has {seed.StarterFiles.Count} files; a session holds at most {_options.MaxFilesPerSession}.");
        }

        var userId = UserId;
        var state = await store.GetOrCreateAsync(userId, seed, DisplayName(), () => backups.RestoreAsync(null, userId, exerciseId, Context.ConnectionAborted));
        await JoinAsync(state);
        WorkbenchLog.SessionOpened(logger, state.SessionId, UserId, exerciseId);
        return state.ToSnapshot();
    }

    /// <summary>
    /// Applies Monaco content changes to one file when <paramref name="baseVersion"/> is the session's version.
    /// A stale version or a change outside the text is answered with <c>Accepted = false</c> and the snapshot;
    /// broken limits throw.
    /// </summary>
    public async Task<EditResult> ApplyEdits(string sessionId, string file, long baseVersion, ContentChange[] changes)
    {
        if (!Connection.TryTakeEdit())
        {
            throw new HubException($"Too many edits: at most {_options.EditsPerSecond} per second (bursts of {_options.EditBurst}). Slow down; the session is unchanged by this one.");
        }

        if (changes is null || changes.Length == 0)
        {
            throw new HubException("An edit needs at least one change.");
        }

        if (changes.Length > _options.MaxChangesPerEdit)
        {
            throw new HubException($"An edit may hold at most {_options.MaxChangesPerEdit} changes; this one has {changes.Length}.");
        }

        if (changes.Sum(c => (long)(c?.Text?.Length ?? 0)) > _options.MaxFileChars)
        {
            throw new HubException($"An edit may insert at most {_options.MaxFileChars} characters.");
        }

        var live = RequireOpened(sessionId);
        var outcome = await store.ApplyEditAsync(live, file ?? "", baseVersion, changes, UserId);
        switch (outcome.Status)
        {
            case EditStatus.Applied:
                backups.MarkDirty(sessionId);
                dashboards.Changed(live.CourseId, sessionId);
                if (outcome.Watched)
                {
                    await Clients.Group(WorkbenchGroups.Watchers(sessionId)).Edited(new EditNotification(sessionId, outcome.Edit!));
                }

                local.Analyze(new DocumentUpdate(sessionId, file!, outcome.Version, outcome.Text!, changes));
                return new EditResult(true, outcome.Version, null, null);
            case EditStatus.Stale or EditStatus.OutOfRange:
                WorkbenchLog.EditRefused(logger, sessionId, outcome.Error!);
                return new EditResult(false, outcome.Version, outcome.Error, outcome.Current?.ToSnapshot());
            case EditStatus.UnknownSession when await RestoreAsync(sessionId) is { } restored:
                // Redis lost the session (emptied): back from the saved copy; the client sends its newer text again.
                live.Reset(restored);
                return new EditResult(false, restored.Version, "The session was restored from its saved copy; your editor sends its text again.",
                    restored.ToSnapshot(), Restored: true);
            default:
                throw new HubException(outcome.Error);
        }
    }

    /// <summary>Runs the session's files against the visible tests; events follow as <c>RunEvent</c>.</summary>
    public Task<string> Run(string sessionId) => StartRunAsync(sessionId, "run");

    /// <summary>Submits the session's files against all tests; events follow as <c>RunEvent</c>.</summary>
    public Task<string> Submit(string sessionId) => StartRunAsync(sessionId, "submit");

    /// <summary>
    /// Stops relaying a run of the caller's and marks it cancelled. The runner has no cancel: the run finishes
    /// there and its result is still stored by Services. True when the run was still going.
    /// </summary>
    public async Task<bool> CancelRun(string runId)
    {
        var ticket = await store.GetRunAsync(runId ?? "");
        if (ticket is null || ticket.UserId != UserId)
        {
            throw new HubException($"No run '{runId}' of yours.");
        }

        // Marked first: the relay, once stopped, marks a run it did not finish as lost unless it is cancelled.
        var cancelled = await store.UpdateLastRunAsync(ticket.SessionId, ticket.RunId,
            last => last.Status is RunStatuses.Queued or RunStatuses.Running ? last with { Status = RunStatuses.Cancelled, FinishedAt = time.GetUtcNow() } : null);
        await relay.CancelAsync(ticket.RunId);
        await store.EndRunAsync(ticket.UserId, ticket.RunId);
        if (cancelled)
        {
            await dashboards.ChangedAsync(ticket.SessionId);
            WorkbenchLog.RunCancelled(logger, ticket.RunId, UserId);
        }

        return cancelled;
    }

    /// <summary>
    /// Rejoins a session after a reconnect: the edits after <paramref name="lastVersion"/>, or a snapshot when
    /// the history cannot bridge the gap.
    /// </summary>
    public async Task<ResumeResult> Resume(string sessionId, long lastVersion)
    {
        var state = await store.GetAsync(sessionId ?? "") ?? await RestoreAsync(sessionId ?? "");
        // Someone else's session answers like a missing one: its existence is nobody else's business.
        if (state is null || state.UserId != UserId)
        {
            throw new HubException($"No session '{sessionId}' of yours.");
        }

        await JoinAsync(state);
        // A client ahead of the session (Redis lost its last edits), or behind a history that is gone, gets the snapshot.
        var edits = await store.EditsAfterAsync(state.SessionId, lastVersion, state.Version, _options.MaxResumeEdits);
        return new ResumeResult(state.SessionId, state.Version, edits ?? [], edits is null ? state.ToSnapshot() : null);
    }

    /// <summary>Instructors and admins: the course's sessions active within the live window, most recent first.</summary>
    public async Task<IReadOnlyList<LiveSessionSummary>> ListLiveSessions(string courseId)
    {
        await RequireTeachesAsync(courseId);
        return await store.ListActiveAsync(courseId, time.GetUtcNow() - _options.LiveWindow, _options.MaxLiveSessions);
    }

    /// <summary>
    /// Instructors and admins: the course's live sessions, as <see cref="ListLiveSessions"/>, then the ones that change
    /// pushed as <c>LiveSessions</c> (coalesced, at most once per <see cref="WorkbenchOptions.DashboardPushInterval"/>)
    /// until <see cref="StopWatchingCourse"/> or the connection ends. The caller joins before the list is read, so a
    /// push may repeat what the list holds: merge by session id.
    /// </summary>
    public async Task<IReadOnlyList<LiveSessionSummary>> WatchCourse(string courseId)
    {
        await RequireTeachesAsync(courseId);
        await Groups.AddToGroupAsync(Context.ConnectionId, WorkbenchGroups.CourseDashboard(courseId));
        await store.AddDashboardAsync(courseId, Context.ConnectionId);
        if (!Connection.Dashboards.Contains(courseId))
        {
            Connection.Dashboards.Add(courseId);
        }

        return await store.ListActiveAsync(courseId, time.GetUtcNow() - _options.LiveWindow, _options.MaxLiveSessions);
    }

    /// <summary>Stops the pushes of a course's dashboard.</summary>
    public async Task StopWatchingCourse(string courseId)
    {
        await RequireTeachesAsync(courseId);
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, WorkbenchGroups.CourseDashboard(courseId));
        await store.RemoveDashboardAsync(courseId, Context.ConnectionId);
        Connection.Dashboards.Remove(courseId);
    }

    /// <summary>
    /// Instructors and admins: the session's snapshot, then its edits, diagnostics and run events live. The caller
    /// joins before the snapshot is read, so an edit may arrive that the snapshot already holds: skip edits whose
    /// version is not above the snapshot's.
    /// </summary>
    public async Task<SessionSnapshot> WatchSession(string sessionId)
    {
        var state = await TaughtSessionAsync(sessionId);
        await Groups.AddToGroupAsync(Context.ConnectionId, WorkbenchGroups.Watchers(sessionId));
        // Registered before the snapshot is read: the learner's hub publishes every edit after it.
        await store.AddWatcherAsync(sessionId, Context.ConnectionId);
        if (!Connection.Watching.Contains(sessionId))
        {
            Connection.Watching.Add(sessionId);
        }

        return (await store.GetAsync(sessionId) ?? state).ToSnapshot();
    }

    /// <summary>Stops the live feed of a watched session.</summary>
    public async Task StopWatching(string sessionId)
    {
        await TaughtSessionAsync(sessionId);
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, WorkbenchGroups.Watchers(sessionId));
        await store.RemoveWatcherAsync(sessionId, Context.ConnectionId);
        Connection.Watching.Remove(sessionId);
    }

    /// <summary>Instructors and admins: the recorded edits between two times (either open), oldest first, with their times.</summary>
    public async IAsyncEnumerable<EditRecord> ReplaySession(string sessionId, DateTimeOffset? from, DateTimeOffset? to, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await TaughtSessionAsync(sessionId);
        await foreach (var edit in store.ReplayAsync(sessionId, from, to, cancellationToken))
        {
            yield return edit;
        }
    }

    /// <summary>Instructors and admins: the session's runs, oldest first, without their results (a replay marks them).</summary>
    public async Task<IReadOnlyList<LastRun>> ListRuns(string sessionId)
    {
        await TaughtSessionAsync(sessionId);
        return await store.RunsAsync(sessionId);
    }

    /// <summary>Instructors and admins: the hints sent to the session's learner (the newest <see cref="WorkbenchOptions.MaxHintsKept"/>), oldest first.</summary>
    public async Task<IReadOnlyList<HintMessage>> ListHints(string sessionId)
    {
        await TaughtSessionAsync(sessionId);
        return await store.HintsAsync(sessionId);
    }

    /// <summary>Instructors and admins: a hint the learner receives at once; the session's watchers see it too, and it is kept with the session.</summary>
    public async Task SendHint(string sessionId, string text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > _options.MaxHintChars)
        {
            throw new HubException($"A hint needs 1 to {_options.MaxHintChars} characters.");
        }

        await TaughtSessionAsync(sessionId);
        var hint = new HintMessage(sessionId, text, UserId, time.GetUtcNow(), DisplayName());
        await store.AddHintAsync(hint);
        await Clients.Groups(WorkbenchGroups.Learner(sessionId), WorkbenchGroups.Watchers(sessionId)).Hint(hint);
        WorkbenchLog.HintSent(logger, sessionId, UserId);
    }

    private async Task<string> StartRunAsync(string sessionId, string mode)
    {
        RequireOpened(sessionId);
        var state = await OwnSessionAsync(sessionId);
        // Hold a slot before posting, so that a flood of Run calls cannot slip past the limit while Services answers.
        var provisional = "pending-" + Guid.NewGuid().ToString("N");
        if (!await store.TryStartRunAsync(UserId, provisional, _options.MaxConcurrentRunsPerUser))
        {
            throw new HubException($"You already have {_options.MaxConcurrentRunsPerUser} runs going; wait for one to finish or cancel it.");
        }

        string runId;
        try
        {
            runId = await services.PostRunAsync(state.ExerciseId, mode, state.Files, Token(), Context.ConnectionAborted);
        }
        catch
        {
            await store.EndRunAsync(UserId, provisional);
            throw;
        }

        await store.RenameRunAsync(UserId, provisional, runId);
        var ticket = new RunTicket(runId, sessionId, UserId, mode);
        await store.SaveRunAsync(ticket);
        await store.SetLastRunAsync(sessionId, new LastRun(runId, mode, RunStatuses.Queued, null, 0, 0, time.GetUtcNow(), null, null, state.Version));
        dashboards.Changed(state.CourseId, sessionId);
        await relay.StartAsync(ticket);
        WorkbenchLog.RunPosted(logger, runId, mode, sessionId);
        return runId;
    }

    private async Task JoinAsync(SessionState state)
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, WorkbenchGroups.Learner(state.SessionId));
        if (!Connection.Opened.Contains(state.SessionId))
        {
            Connection.Opened.Add(state.SessionId);
        }

        local.Acquire(state, Context.ConnectionId);
        local.Refresh(state);
        await store.SetLeftAsync(state.SessionId, left: false);
        dashboards.Changed(state.CourseId, state.SessionId);

        // A run whose relaying hub went away (restart, crash) is taken over here, or given up once too old.
        if (state.LastRun is { Status: RunStatuses.Queued or RunStatuses.Running } run && await store.GetRunAsync(run.RunId) is { } ticket && ticket.UserId == UserId)
        {
            if (time.GetUtcNow() - run.StartedAt > _options.RunRelayTimeout)
            {
                await store.UpdateLastRunAsync(state.SessionId, run.RunId,
                    last => last.Status is RunStatuses.Queued or RunStatuses.Running ? last with { Status = RunStatuses.Lost, FinishedAt = time.GetUtcNow() } : null);
            }
            else
            {
                await relay.StartAsync(ticket);
            }
        }
    }

    private LiveSession RequireOpened(string sessionId)
    {
        // Only sessions the caller owns get here (OpenExercise and Resume check), so this is the write check too.
        if (sessionId is null || !Connection.Opened.Contains(sessionId) || !local.TryGet(sessionId, out var live))
        {
            throw new HubException($"Open or resume session '{sessionId}' on this connection first.");
        }

        return live;
    }

    /// Redis lost the session: made again from the document store's copy, if the caller's.
    private async Task<SessionState?> RestoreAsync(string sessionId)
    {
        var backup = await backups.RestoreAsync(sessionId, null, null, Context.ConnectionAborted);
        if (backup is null || backup.UserId != UserId)
        {
            return null;
        }

        var seed = await services.GetExerciseAsync(backup.ExerciseId, Token(), Context.ConnectionAborted);
        WorkbenchLog.SessionRestored(logger, sessionId, UserId, backup.Version);
        return await store.GetOrCreateAsync(UserId, seed, DisplayName(), () => Task.FromResult<SessionBackupDto?>(backup));
    }

    private async Task<SessionState> OwnSessionAsync(string sessionId)
    {
        var state = await store.GetAsync(sessionId ?? "");
        // Someone else's session answers like a missing one: its existence is nobody else's business.
        return state is not null && state.UserId == UserId ? state : throw new HubException($"No session '{sessionId}' of yours.");
    }

    private async Task<SessionState> TaughtSessionAsync(string sessionId)
    {
        RequireInstructorOrAdmin();
        var state = await store.GetAsync(sessionId ?? "") ?? throw new HubException($"No session '{sessionId}'.");
        await RequireTeachesAsync(state.CourseId);
        return state;
    }

    private void RequireInstructorOrAdmin()
    {
        if (!IsAdmin && !Context.User!.IsInRole(Roles.Instructor))
        {
            throw new HubException("Only instructors of the course and admins may do this.");
        }
    }

    private async Task RequireTeachesAsync(string courseId)
    {
        RequireInstructorOrAdmin();
        if (string.IsNullOrWhiteSpace(courseId) || courseId.Length > 100)
        {
            throw new HubException("A course id is required (at most 100 characters).");
        }

        if (!IsAdmin && !(await services.GetInstructorsAsync(courseId, Token(), Context.ConnectionAborted)).Contains(UserId))
        {
            throw new HubException($"You do not teach course '{courseId}'.");
        }
    }

    /// <summary>
    /// The caller's display name, from the <c>name</c> claim of their token (the connection's principal is lean and
    /// keeps only <c>sub</c> and <c>role</c>; the token was validated when the connection was made). Null without one.
    /// </summary>
    private string? DisplayName()
    {
        try
        {
            // Services validated the name's length and characters when it was set.
            return new JsonWebToken(Token()).TryGetPayloadValue<string>("name", out var name) && !string.IsNullOrWhiteSpace(name) ? name.Trim() : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The caller's access token, forwarded to Services so that Services applies its own rules.</summary>
    private string Token()
    {
        var request = Context.GetHttpContext()?.Request;
        var header = request?.Headers.Authorization.ToString();
        if (header is { Length: > 7 } && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header[7..].Trim();
        }

        return request?.Query["access_token"].ToString() is { Length: > 0 } token
            ? token
            : throw new HubException("The connection carries no access token.");
    }
}
