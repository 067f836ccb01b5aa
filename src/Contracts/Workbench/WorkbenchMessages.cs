using System.Text.Json;
using LearningPlatform.Contracts.Runs;

namespace LearningPlatform.Contracts.Workbench;

// These records cross the wire with both SignalR protocols: JSON (camelCase names) and MessagePack (member names
// as declared). They hold only strings, numbers, booleans, times, lists and other such records, so both protocols
// round-trip them without custom resolvers.

/// <summary>A learner's file in a session.</summary>
/// <param name="Name">File name, e.g. <c>greeting.py</c>.</param>
/// <param name="Content">Current text.</param>
/// <param name="Version">Session version at which this file last changed (0: starter content).</param>
public sealed record WorkbenchFile(string Name, string Content, long Version);

/// <summary>A read-only file of the exercise (a visible test).</summary>
public sealed record ReadOnlyFile(string Name, string Content);

/// <summary>The last run of a session, as far as the hub knows it.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Mode"><c>run</c> or <c>submit</c>.</param>
/// <param name="Status"><c>queued</c>, <c>running</c>, <c>finished</c>, <c>cancelled</c> or <c>lost</c> (the relay
/// stopped before the result came; <c>GET /api/runs/{id}</c> still has it).</param>
/// <param name="Verdict">The runner's verdict wire value (<c>passed</c>, <c>failed</c>...) once finished.</param>
/// <param name="Passed">Tests passed, once finished.</param>
/// <param name="Total">Tests run, once finished.</param>
/// <param name="StartedAt">When the hub posted the run.</param>
/// <param name="FinishedAt">When the result came (or the run was cancelled).</param>
/// <param name="ResultJson">The runner's <see cref="RunResult"/> as its wire JSON, once finished (null in a
/// session's run history).</param>
/// <param name="AtVersion">The session version the run's files were taken at (where a replay places it).</param>
public sealed record LastRun(
    string RunId, string Mode, string Status, string? Verdict, int Passed, int Total,
    DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, string? ResultJson, long? AtVersion = null);

/// <summary>Everything a client needs to show a session.</summary>
/// <param name="SessionId">The session (one per learner and exercise).</param>
/// <param name="ExerciseId">The exercise.</param>
/// <param name="CourseId">The exercise's course.</param>
/// <param name="UserId">The learner.</param>
/// <param name="Language"><c>python</c>, <c>javascript</c> or <c>csharp</c>.</param>
/// <param name="Version">Session version: 0 when opened, +1 per accepted edit of any file.</param>
/// <param name="Files">The learner's files.</param>
/// <param name="VisibleTests">The exercise's visible tests (read-only).</param>
/// <param name="LastRun">The last run, if any.</param>
/// <param name="LearnerName">The learner's display name, from their token when they last opened the session.</param>
/// <param name="ExerciseTitle">The exercise's title when the session was last opened.</param>
/// <param name="LastActivity">Last accepted edit, run or open.</param>
public sealed record SessionSnapshot(
    string SessionId, string ExerciseId, string CourseId, string UserId, string Language, long Version,
    IReadOnlyList<WorkbenchFile> Files, IReadOnlyList<ReadOnlyFile> VisibleTests, LastRun? LastRun,
    string? LearnerName = null, string? ExerciseTitle = null, DateTimeOffset? LastActivity = null);

/// <summary>
/// Answer of <c>ApplyEdits</c>. Conflicts are answered rather than thrown so that the client gets the fresh text
/// in the same round trip: a stale base version or a change outside the text gives <c>Accepted = false</c>, the
/// reason, and the current <see cref="Snapshot"/>; nothing of the edit was applied. Broken limits and permissions
/// are <c>HubException</c>s instead.
/// </summary>
/// <param name="Accepted">True when the edit was applied.</param>
/// <param name="Version">The session version after the edit (accepted) or the current one (refused).</param>
/// <param name="Error">Why the edit was refused.</param>
/// <param name="Snapshot">The current session when refused.</param>
/// <param name="Restored">The store lost the session and it was restored from its saved copy (up to about a second
/// behind): the client keeps its own text and sends it again as one edit on top of <see cref="Snapshot"/>.</param>
public sealed record EditResult(bool Accepted, long Version, string? Error, SessionSnapshot? Snapshot, bool Restored = false);

/// <summary>One accepted edit as recorded in the session's history.</summary>
/// <param name="Version">Session version this edit produced (the previous one is <c>Version - 1</c>).</param>
/// <param name="File">The edited file.</param>
/// <param name="Changes">Monaco's changes, applied in order to the previous text.</param>
/// <param name="At">When the edit was recorded (the history's clock).</param>
public sealed record EditRecord(long Version, string File, IReadOnlyList<ContentChange> Changes, DateTimeOffset At);

/// <summary>A learner's edit as pushed to the watchers of a session.</summary>
public sealed record EditNotification(string SessionId, EditRecord Edit);

/// <summary>Answer of <c>Resume</c>: the edits after the client's version, or a snapshot when they cannot be given.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="Version">The current session version.</param>
/// <param name="Edits">The edits after the client's version, in order (empty when up to date or when
/// <see cref="Snapshot"/> is set).</param>
/// <param name="Snapshot">Set instead of edits when the history cannot bridge the gap (too long, trimmed, or the
/// client's version is not one the session had).</param>
public sealed record ResumeResult(string SessionId, long Version, IReadOnlyList<EditRecord> Edits, SessionSnapshot? Snapshot);

/// <summary>Live markers of one layer of one file at one version.</summary>
/// <param name="Layer">One of <see cref="DiagnosticsLayer"/>; use it as the Monaco marker owner.</param>
public sealed record DiagnosticsMessage(string SessionId, string File, long Version, string Layer, IReadOnlyList<Marker> Markers);

/// <summary>
/// One run event. The event travels as the runner's own JSON (<see cref="EventJson"/>, camelCase, with its
/// <c>type</c> discriminator) because polymorphic records do not survive MessagePack; <see cref="Parse"/> turns it
/// back into the <see cref="Runs.RunEvent"/> record.
/// </summary>
/// <param name="SessionId">The session the run belongs to.</param>
/// <param name="RunId">The run.</param>
/// <param name="Type">The event's type discriminator, e.g. <c>test_finished</c>.</param>
/// <param name="Sequence">The event's sequence number within the run.</param>
/// <param name="EventJson">The event as JSON (<see cref="RunJson.Options"/>).</param>
public sealed record RunEventMessage(string SessionId, string RunId, string Type, long Sequence, string EventJson)
{
    /// <summary>The event as its contract record.</summary>
    public RunEvent? Parse() => JsonSerializer.Deserialize<RunEvent>(EventJson, RunJson.Options);
}

/// <summary>An instructor's hint to the learner of a session (also pushed to its watchers, and kept with the session).</summary>
/// <param name="FromName">The sender's display name, from their token.</param>
public sealed record HintMessage(string SessionId, string Text, string FromUserId, DateTimeOffset At, string? FromName = null);

/// <summary>A session as an instructor's overview lists it.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="UserId">The learner.</param>
/// <param name="ExerciseId">What they work on.</param>
/// <param name="LastActivity">Last accepted edit, run or open.</param>
/// <param name="ErrorCount">Error markers in the latest live diagnostics of all files.</param>
/// <param name="LastVerdict">Verdict of the last finished run, if any.</param>
/// <param name="StuckForMs">Milliseconds since the learner last made progress (opened the session, or a run passed
/// more tests than any before); 0 once passed.</param>
/// <param name="Version">Session version.</param>
/// <param name="LearnerName">The learner's display name (see <see cref="SessionSnapshot.LearnerName"/>).</param>
/// <param name="ExerciseTitle">The exercise's title.</param>
/// <param name="LeftAt">When a connection of the learner last closed the session; the learner is away when this is
/// after <see cref="LastActivity"/>.</param>
public sealed record LiveSessionSummary(
    string SessionId, string UserId, string ExerciseId, DateTimeOffset LastActivity, int ErrorCount,
    string? LastVerdict, long StuckForMs, long Version,
    string? LearnerName = null, string? ExerciseTitle = null, DateTimeOffset? LeftAt = null);

/// <summary>
/// Pushed to the instructors watching a course's dashboard (<c>WatchCourse</c>): the sessions that changed since the
/// last push (opened, edited, new error count, run status or verdict, left), at most once per
/// <c>Workbench:DashboardPushInterval</c> per course and hub process. The receiver merges them by session id.
/// </summary>
public sealed record LiveSessionsUpdate(string CourseId, IReadOnlyList<LiveSessionSummary> Sessions);
